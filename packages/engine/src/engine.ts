import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { RiffleError, validateSpec, type JobSpec, type SpecValidation } from '@riffle/shared';
import type { CheckpointSetup } from './checkpoint/job-checkpoints.js';
import { listSnapshots } from './checkpoint/list-snapshots.js';
import { LATEST, resolveRestore, type RestoreFrom } from './checkpoint/restore-latest.js';
import { SnapshotStorage } from './checkpoint/snapshot-storage.js';
import type { EngineLogger, EngineOptions, JobHandle } from './api.js';
import { InvalidSpecError } from './errors.js';
import { loadJobModules } from './job-modules.js';
import { OPERATORS } from './operators/registry.js';
import { buildLogicalGraph } from './plan/logical-graph.js';
import { buildPhysicalPlan } from './plan/physical-plan.js';
import { Job } from './runtime/job.js';
import { RestartingJob, type JobRun } from './runtime/restarting-job.js';
import { ThreadedJob } from './runtime/threaded-job.js';
import { stateBackendOf } from './state/state-dir.js';

const SILENT: EngineLogger = { info() {}, warn() {}, error() {} };

/**
 * Operator kinds whose state checkpoints do not capture yet: a job with one of them is refused
 * with checkpointDir rather than restored wrong. Every kind the engine runs snapshots today; a
 * new kind without snapshots goes here.
 */
const NOT_CHECKPOINTABLE: Record<string, string> = {};

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
   * is `failed` and whose `done` carries the error. With `config.restart` (a strategy other than
   * `none` and attempts > 0) the handle restarts failed runs from the latest checkpoint.
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
    if (options.restoreFrom !== undefined && options.checkpointDir === undefined) throw checkpointError('restoreFrom needs checkpointDir (the job folder holding the snapshot)');
    if (options.checkpointDir !== undefined) {
      const bad = valid.nodes.find((n) => NOT_CHECKPOINTABLE[n.kind] !== undefined);
      if (bad !== undefined) throw checkpointError(`node ${bad.id} (${bad.kind}) ${NOT_CHECKPOINTABLE[bad.kind]}: the job cannot run with checkpoints`);
    }
    const logger = options.logger ?? SILENT;
    const jobId = options.jobId ?? randomUUID();
    const launch = (restoreFrom: RestoreFrom | undefined, attempt: number, firstCheckpointId?: number) =>
      launchRun(valid, validation, { ...options, logger, jobId }, restoreFrom, attempt, firstCheckpointId);
    const first = await launch(options.restoreFrom, 0, options.firstCheckpointId);
    const restart = valid.config.restart;
    if (restart === undefined || restart.strategy === 'none' || restart.attempts < 1) return first;
    const checkpoints = options.checkpointDir !== undefined;
    const pinned = checkpoints && options.restoreFrom !== undefined && options.restoreFrom !== LATEST ? options.restoreFrom : undefined;
    return new RestartingJob(first, launch, restart, checkpoints ? LATEST : undefined, logger, pinned);
  },

  /** Checkpoints and savepoints on disk in a job folder; see {@link listSnapshots}. */
  listSnapshots,
};

/** Plans and launches one run of a validated spec (run `attempt` of a restarting job). */
async function launchRun(
  valid: JobSpec,
  validation: SpecValidation,
  options: EngineOptions & { logger: EngineLogger; jobId: string },
  restoreFrom: RestoreFrom | undefined,
  attempt: number,
  firstCheckpointId: number | undefined,
): Promise<JobRun> {
  const { logger, jobId } = options;
  const plan = buildPhysicalPlan(buildLogicalGraph(valid, validation));
  const baseDir = options.baseDir ?? process.cwd();
  const execution = options.execution ?? 'auto';
  const threads = execution === 'threads' || (execution === 'auto' && plan.chains.some((c) => c.parallelism > 1));
  let checkpointing: CheckpointSetup | undefined;
  let restored;
  if (options.checkpointDir !== undefined) {
    const resolved = restoreFrom === undefined ? undefined : await resolveRestore(new SnapshotStorage(options.checkpointDir, jobId), restoreFrom, plan, logger, options.allowNonRestoredState === true);
    restored = resolved?.report;
    checkpointing = {
      dir: options.checkpointDir,
      config: valid.config.checkpoints,
      restore: resolved?.data,
      ...(options.checkpointTimeoutMs !== undefined ? { timeoutMs: options.checkpointTimeoutMs } : {}),
      ...(firstCheckpointId !== undefined ? { firstId: firstCheckpointId } : {}),
    };
  }
  const state = await stateBackendOf(valid.config.stateBackend, options.checkpointDir, options.stateDir, options.stateCacheKeys);
  // Worker threads load them themselves; in-process runs build their operators here.
  if (!threads) await loadJobModules(valid.nodes.map((n) => n.kind), state?.kind);
  const job = threads
    ? new ThreadedJob(jobId, valid, plan, baseDir, logger, Number.isInteger(options.slots) && options.slots! >= 1 ? options.slots! : availableParallelism(), checkpointing, state, options.workerPool)
    : new Job(jobId, valid, plan, baseDir, logger, checkpointing, options.stateClock === undefined ? state : { ...(state ?? { kind: 'heap' }), now: options.stateClock });
  job.restored = restored;
  if (options.debugSlowNode !== undefined) job.debugSlowNode = { ...options.debugSlowNode };
  job.confineFiles = options.confineFiles === true;
  const fail = options.debugFailAfter;
  if (fail !== undefined && attempt < (fail.runs ?? 1)) job.debugFailAfter = { nodeId: fail.nodeId, records: fail.records, afterCheckpoint: fail.afterCheckpoint === true };
  await job.launch();
  logger.info('job started', { jobId: job.id, name: valid.name, attempt });
  return job;
}
