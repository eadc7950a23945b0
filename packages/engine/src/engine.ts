import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { RiffleError, validateSpec } from '@riffle/shared';
import type { CheckpointSetup } from './checkpoint/job-checkpoints.js';
import { loadForRestore } from './checkpoint/restore.js';
import { SnapshotStorage } from './checkpoint/snapshot-storage.js';
import type { EngineLogger, EngineOptions, JobHandle } from './api.js';
import { InvalidSpecError } from './errors.js';
import { OPERATORS } from './operators/registry.js';
import { buildLogicalGraph } from './plan/logical-graph.js';
import { buildPhysicalPlan } from './plan/physical-plan.js';
import { Job } from './runtime/job.js';
import { ThreadedJob } from './runtime/threaded-job.js';
import { stateBackendOf } from './state/state-dir.js';

const SILENT: EngineLogger = { info() {}, warn() {}, error() {} };

/**
 * Operator kinds whose state checkpoints do not capture yet: a job with one of them is refused
 * with checkpointDir rather than restored wrong (lost keyed state, a file read from the start).
 */
const NOT_CHECKPOINTABLE: Record<string, string> = {
  dedupe: 'does not snapshot its keyed state yet',
  over: 'does not snapshot its keyed state yet',
  'join.interval': 'does not snapshot its keyed state yet',
  'join.window': 'does not snapshot its keyed state yet',
  'source.file': 'does not snapshot its read position yet',
};

function checkpointError(message: string): RiffleError {
  return new RiffleError({ code: 'checkpoints_unsupported', domain: 'user', retryable: false, message });
}

/**
 * The engine's entry point: everything that runs a job (server, CLI, benchmark, tests) uses it.
 * @example
 * const job = await Engine.start(spec, { baseDir: '/data' });
 * const { status } = await job.done; // 'finished' for bounded sources
 */
export const Engine = {
  /**
   * Validates the spec, plans it and starts it. Resolves once the job runs (status `running`),
   * or, when opening an operator failed (e.g. a missing input file), with a handle whose status
   * is `failed` and whose `done` carries the error.
   * @throws {InvalidSpecError} when the spec does not validate (`code: 'invalid_spec'`, `domain: 'user'`,
   * `problems`: every problem with its JSON path).
   */
  async start(spec: unknown, options: EngineOptions = {}): Promise<JobHandle> {
    const validation = validateSpec(spec);
    if (!validation.ok) throw new InvalidSpecError(validation.errors);
    const valid = validation.spec!;
    const missing = valid.nodes.findIndex((n) => OPERATORS[n.kind] === undefined);
    if (missing >= 0) {
      throw new InvalidSpecError([
        { path: `$.nodes[${missing}].kind`, code: 'unknown_kind', message: `this engine cannot run "${valid.nodes[missing]!.kind}" yet`, nodeId: valid.nodes[missing]!.id },
      ]);
    }
    const logger = options.logger ?? SILENT;
    const graph = buildLogicalGraph(valid, validation);
    const plan = buildPhysicalPlan(graph);
    const jobId = options.jobId ?? randomUUID();
    const baseDir = options.baseDir ?? process.cwd();
    const execution = options.execution ?? 'auto';
    const threads = execution === 'threads' || (execution === 'auto' && plan.chains.some((c) => c.parallelism > 1));
    if (options.restoreFrom !== undefined && options.checkpointDir === undefined) throw checkpointError('restoreFrom needs checkpointDir (the job folder holding the snapshot)');
    let checkpointing: CheckpointSetup | undefined;
    if (options.checkpointDir !== undefined) {
      const bad = valid.nodes.find((n) => NOT_CHECKPOINTABLE[n.kind] !== undefined);
      if (bad !== undefined) throw checkpointError(`node ${bad.id} (${bad.kind}) ${NOT_CHECKPOINTABLE[bad.kind]}: the job cannot run with checkpoints`);
      const restore = options.restoreFrom === undefined ? undefined : await loadForRestore(new SnapshotStorage(options.checkpointDir, jobId), options.restoreFrom, plan);
      checkpointing = {
        dir: options.checkpointDir,
        config: valid.config.checkpoints,
        restore,
        ...(options.checkpointTimeoutMs !== undefined ? { timeoutMs: options.checkpointTimeoutMs } : {}),
      };
    }
    const state = await stateBackendOf(valid.config.stateBackend, options.checkpointDir, options.stateDir, options.stateCacheKeys);
    const job = threads
      ? new ThreadedJob(jobId, valid, plan, baseDir, logger, Number.isInteger(options.slots) && options.slots! >= 1 ? options.slots! : availableParallelism(), checkpointing, state)
      : new Job(jobId, valid, plan, baseDir, logger, checkpointing, state);
    await job.launch();
    logger.info('job started', { jobId: job.id, name: valid.name });
    return job;
  },
};
