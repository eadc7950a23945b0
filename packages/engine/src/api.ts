import type { CheckpointStats, CompletedSnapshot } from './checkpoint/coordinator.js';
import type { PlanDescription } from './plan/describe-plan.js';
import type { DeadLetter, JobMetrics, JobSpec, JobStatus, RiffleErrorInfo } from '@riffle/shared';

/** Structured logging goes through this; the engine imports no logging library. */
export interface EngineLogger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export interface EngineOptions {
  /** Job id used in metrics and logs; a random one when absent. */
  jobId?: string;
  /** Relative `path` params of file sources and sinks resolve against this folder (default: cwd). */
  baseDir?: string;
  logger?: EngineLogger;
  /**
   * Worker threads a parallel job may use (default: one per CPU core). Subtask s of every
   * operator chain runs on worker `s mod slots`.
   */
  slots?: number;
  /**
   * Where subtasks run. `auto` (default): on the event-loop thread when every operator has
   * parallelism 1 (no exchange is worth a thread hop), else on worker threads. `threads` forces
   * workers, `in-process` forces the event-loop thread.
   */
  execution?: 'auto' | 'threads' | 'in-process';
  /**
   * The job's folder (e.g. `DATA_DIR/jobs/<id>`): checkpoints go to `checkpoints/chk-<n>/`,
   * savepoints to `savepoints/sp-…/`. Checkpoints are disabled without it; with it they are taken
   * every `config.checkpoints.intervalMs` (when the spec has `config.checkpoints`) and on
   * `triggerCheckpoint()`. For now only the in-process runtime checkpoints: `Engine.start`
   * refuses a job that would run on worker threads.
   */
  checkpointDir?: string;
  /**
   * A snapshot of this job to start from: `chk-<n>` or a savepoint id (`sp-…`) under
   * `checkpointDir`. It is verified (checksums, same topology, same maxParallelism) and each
   * operator subtask gets its state, also at another parallelism. `Engine.start` rejects with
   * `corrupt_snapshot`, `snapshot_not_found` or `incompatible_snapshot` when it cannot be used.
   */
  restoreFrom?: string;
  /**
   * With `config.stateBackend: "disk"` and no `checkpointDir`: the folder in which the job's
   * temporary state folder (`riffle-state-…`) is made (default: the OS temp folder). With
   * `checkpointDir`, state lives in `<checkpointDir>/state`. Either is deleted when the job ends.
   */
  stateDir?: string;
  /**
   * Disk state backend: keys per declared state kept decoded on the heap (the write-back cache;
   * default 16 384 per operator subtask). Smaller saves memory and costs more disk reads.
   */
  stateCacheKeys?: number;
  /** A checkpoint not complete after this long is aborted (default 60 000 ms). */
  checkpointTimeoutMs?: number;
}

/** How a job ended. */
export interface JobResult {
  status: Extract<JobStatus, 'finished' | 'stopped' | 'failed'>;
  error?: RiffleErrorInfo;
}

/**
 * A running job. Obtained from {@link Engine.start}.
 * @example
 * const job = await Engine.start(spec, { baseDir: process.cwd() });
 * setInterval(() => console.log(job.metrics()), 1000);
 * const result = await job.done; // bounded sources: settles at the end of input
 */
export interface JobHandle {
  readonly id: string;
  readonly spec: JobSpec;
  /** Current lifecycle state. */
  readonly status: JobStatus;
  /** Set when the job failed. */
  readonly error: RiffleErrorInfo | undefined;
  /** Counters, per-second rates (over the last full second) and watermarks per operator. */
  metrics(): JobMetrics;
  /** Latest records that reached a `sink.collect` node (oldest first); empty for other nodes. */
  preview(nodeId: string): unknown[];
  /** The most recent dead-lettered records (bounded sample, newest last). */
  deadLetters(): DeadLetter[];
  /** Called on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: JobStatus, error?: RiffleErrorInfo) => void): () => void;
  /** Stops the job (sources stop, in-flight records drain where possible); resolves when stopped. */
  stop(): Promise<void>;
  /** Settles (never rejects) when the job finished, was stopped or failed. */
  readonly done: Promise<JobResult>;
  /** The physical plan: tasks (operator chains), and every edge with its distribution. */
  plan?(): PlanDescription;
  /**
   * Takes a checkpoint now (needs `checkpointDir`); resolves once its `_metadata` is durable.
   * Rejects when one is already in progress, a task has finished, or it failed (the job runs on).
   */
  triggerCheckpoint?(): Promise<CompletedSnapshot>;
  /** Same as {@link triggerCheckpoint}, into `savepoints/` (never pruned by `retain`). */
  triggerSavepoint?(): Promise<CompletedSnapshot>;
  /** Recent checkpoints and savepoints of this run, oldest first (empty without `checkpointDir`). */
  checkpoints?(): CheckpointStats[];
}
