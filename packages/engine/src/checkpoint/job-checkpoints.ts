import type { JobConfig } from '@riffle/shared';
import type { EngineLogger } from '../api.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { CheckpointCoordinator, type CheckpointRuntime, type TaskAck } from './coordinator.js';
import { stateShapesOf, topologyOf } from './compat.js';
import { encodeTaskState, specFingerprint, type RestoreData } from './restore.js';
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

/** A task's snapshot as the acknowledgement the coordinator takes (state msgpackr-encoded). */
export function toAck(s: TaskSnapshot, isSource: boolean): TaskAck {
  const encoded = encodeTaskState({ chainId: s.chainId, subtask: s.subtask, operators: s.operators });
  return {
    checkpointId: s.checkpointId,
    chainId: s.chainId,
    subtask: s.subtask,
    alignmentMs: s.alignmentMs,
    bytes: encoded.bytes,
    operators: encoded.operators,
    ...(isSource ? { sourcePosition: { nodeId: s.operators[0]!.nodeId, position: s.operators[0]!.state } } : {}),
  };
}
