import type { JobConfig } from '@riffle/shared';
import type { EngineLogger } from '../api.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { CheckpointCoordinator, type CheckpointRuntime, type TaskAck } from './coordinator.js';
import { errorMessage } from '../errors.js';
import { stateShapesOf, topologyOf } from './compat.js';
import { assembleTaskState, packOperatorState, specFingerprint, type RestoreData } from './restore.js';
import { SnapshotStorage } from './snapshot-storage.js';
import type { TaskSnapshot } from '../runtime/task.js';

const CHECKPOINT_TIMEOUT_MS = 60_000;

/** Checkpointing of one job run: where, how, and what to start from. */
export interface CheckpointSetup {
  dir: string;
  /** `config.checkpoints` of the spec; undefined: no periodic checkpoints (manual ones only). */
  config: JobConfig['checkpoints'];
  restore: RestoreData | undefined;
  timeoutMs?: number;
  /**
   * Lowest id for this run's first checkpoint: a restarted run continues after every id its
   * predecessors used (also failed ones, whose folders are gone), so ids stay unique per job.
   */
  firstId?: number;
}

/**
 * The coordinator of a job run, for either runtime: sweeps debris of earlier runs, continues the
 * checkpoint numbering after the highest checkpoint in the folder (or the restored one), and
 * names each task's file after its chain's index in the plan.
 */
export async function createCoordinator(
  setup: CheckpointSetup,
  physical: PhysicalPlan,
  jobId: string,
  logger: EngineLogger,
  runtime: CheckpointRuntime,
): Promise<CheckpointCoordinator> {
  const { graph } = physical;
  const storage = new SnapshotStorage(setup.dir, jobId);
  await storage.sweep();
  const existing = await storage.listCheckpoints();
  const highest = Math.max(setup.restore?.checkpointId ?? 0, (setup.firstId ?? 1) - 1, ...existing.map((c) => c.metadata.checkpointId));
  const chainIndex = new Map(physical.chains.map((c, i) => [c.id, i]));
  return new CheckpointCoordinator({
    storage,
    logger,
    jobId,
    retain: setup.config?.retain ?? 5,
    timeoutMs: setup.timeoutMs ?? setup.config?.timeoutMs ?? CHECKPOINT_TIMEOUT_MS,
    ...(setup.config?.tolerableFailures !== undefined ? { tolerableFailures: setup.config.tolerableFailures } : {}),
    firstId: highest + 1,
    fileName: (chainId, subtask) => `task-${chainIndex.get(chainId)}-${subtask}`,
    extra: {
      parallelism: Object.fromEntries(graph.nodes.map((n) => [n.id, n.parallelism])),
      maxParallelism: graph.maxParallelism,
      fingerprint: specFingerprint(graph),
      topology: topologyOf(graph),
      stateShapes: stateShapesOf(graph),
      mode: setup.config?.mode ?? 'exactly-once',
    },
    runtime,
  });
}

/**
 * Turns a task's snapshot into its acknowledgement, for either runtime: states the operators
 * returned synchronously are packed at once (before the task processes the next record), states
 * written asynchronously and the pre-commit work are awaited (the task keeps processing
 * meanwhile), then `ack` gets the encoded file. A failure of either declines the checkpoint.
 */
export function acknowledgeSnapshot(
  s: TaskSnapshot,
  isSource: boolean,
  ack: (a: TaskAck) => void,
  decline: (checkpointId: number, reason: string) => void,
): void {
  const packed = s.operators.map((o) => (o.later === undefined ? packOperatorState(o.nodeId, o.state) : undefined));
  const finish = (later: unknown[]): TaskAck => {
    const operators = s.operators.map((o, i) => packed[i] ?? packOperatorState(o.nodeId, later[i]));
    const encoded = assembleTaskState(s.chainId, s.subtask, operators);
    const source = s.operators[0]!;
    return {
      checkpointId: s.checkpointId,
      chainId: s.chainId,
      subtask: s.subtask,
      alignmentMs: s.alignmentMs,
      bytes: encoded.bytes,
      operators: encoded.operators,
      ...(isSource ? { sourcePosition: { nodeId: source.nodeId, position: source.later === undefined ? source.state : later[0] } } : {}),
    };
  };
  if (s.pending === undefined && s.operators.every((o) => o.later === undefined)) {
    ack(finish([]));
    return;
  }
  Promise.all([Promise.all(s.operators.map((o) => o.later)), s.pending]).then(
    ([later]) => ack(finish(later)),
    (e: unknown) => decline(s.checkpointId, errorMessage(e)),
  );
}
