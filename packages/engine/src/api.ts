import type { CheckpointStats, CompletedSnapshot } from './checkpoint/coordinator.js';
import type { RestoreReport } from './checkpoint/restore-latest.js';
import type { PlanDescription } from './plan/describe-plan.js';
import type { WorkerPool } from './runtime/worker-pool.js';
import type { DeadLetter, JobMetrics, JobSpec, JobStatus, RestartEvent, RiffleErrorInfo, SampledRecord } from '@riffle/shared';

/** A restart of a job, as `onRestart` reports it: the protocol's {@link RestartEvent} without the job id. */
export type RestartInfo = Omit<RestartEvent, 'jobId'>;

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
  /**
   * File sources and sinks may only use paths inside `baseDir`, re-checked on disk (symlinks
   * followed) each time they open, so a path changed after submit cannot escape (the server sets
   * it; the CLI does not). A path outside fails the job with `path_outside_base_dir`.
   */
  confineFiles?: boolean;
  logger?: EngineLogger;
  /**
   * Worker threads a parallel job may use (default: one per CPU core). Subtask s of every
   * operator chain runs on worker `s mod slots`.
   */
  slots?: number;
  /**
   * Worker threads shared by the jobs of a long-lived process (the server): a job leases its
   * threads from it and, once ended cleanly, leaves them idle and warm for the next job (see
   * {@link WorkerPool}). Without it a job starts threads of its own and ends them when it ends.
   */
  workerPool?: WorkerPool;
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
   * `triggerCheckpoint()`, in both runtimes. `Engine.start` refuses (`checkpoints_unsupported`) a
   * job with an operator whose state checkpoints do not capture yet.
   */
  checkpointDir?: string;
  /**
   * A snapshot of this job to start from: `chk-<n>` or a savepoint id (`sp-…`) under
   * `checkpointDir`. It is verified (checksums, same topology, same maxParallelism) and each
   * operator subtask gets its state, also at another parallelism. `Engine.start` rejects with
   * `corrupt_snapshot`, `snapshot_not_found` or `incompatible_snapshot` when it cannot be used.
   *
   * `'latest'`: the newest completed checkpoint whose files verify; corrupt ones are passed over
   * (logged, and listed in `job.restored.skipped`), and without any valid checkpoint the job
   * starts fresh. Savepoints are never "latest". What the server uses to resume jobs after it
   * restarted, and what automatic recovery uses.
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
  /**
   * Test-only: the processing-time clock of keyed state TTL (`reduce {ttl}`), epoch ms; `Date.now`
   * when absent. Lets a test expire state without waiting. Honoured by the in-process runtime
   * only: a function cannot be sent to worker threads, which keep `Date.now`.
   */
  stateClock?: () => number;
  /** A checkpoint not complete after this long is aborted (default 60 000 ms). */
  checkpointTimeoutMs?: number;
  /**
   * Checkpoint ids of this job start at this number or later (default: one past the highest
   * checkpoint in `checkpointDir`). An embedder that remembers ids of earlier runs that left no
   * folder (failed checkpoints) passes one past them, so ids stay unique in its history.
   */
  firstCheckpointId?: number;
  /**
   * Restoring a snapshot that holds state of operators this job no longer has (matched by node
   * id) drops that state instead of refusing the snapshot (Flink's `--allowNonRestoredState`).
   */
  allowNonRestoredState?: boolean;
  /**
   * Test-only failure injection (Flink's FailingMapper), never part of a job spec: subtask 0 of
   * operator `nodeId` (not a source) throws after `records` records (`afterCheckpoint`: counted
   * from the run's first completed checkpoint on), in each of the first `runs` runs of the job
   * (default 1), so restart strategies can be tested.
   */
  debugFailAfter?: { nodeId: string; records: number; runs?: number; afterCheckpoint?: boolean };
  /**
   * Test-only slowness, never part of a job spec: every subtask of operator `nodeId` blocks its
   * thread `msPerRecord` before each record (a slow sink, T9), in every run of the job; its
   * snapshots resolve `snapshotDelayMs` late (a checkpoint held in progress); a source's polls wait
   * `pollDelayMs` (a slow external system: its barriers come late).
   */
  debugSlowNode?: { nodeId: string; msPerRecord: number; snapshotDelayMs?: number; pollDelayMs?: number };
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
  /**
   * Live preview of any node: its recent output records (oldest first, at most 50, sampled at
   * about 20 a second over all subtasks). Each call keeps the node's tap on for 30 s more; the
   * first one turns it on and returns what an earlier tap kept, if anything. Untapped nodes cost
   * nothing. Throws `unknown_node` for an id the spec does not have.
   * @example
   * setInterval(() => console.log(job.sample?.('enrich')), 1000);
   */
  sample?(nodeId: string): SampledRecord[];
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
  /**
   * Stop with savepoint, drained as in Flink: every source emits the savepoint's barrier and then
   * nothing more; once the savepoint is durable (sinks commit the output before it) the job stops,
   * so a job restored from it neither repeats nor skips a record. When the savepoint fails the
   * sources resume, the job runs on, and this rejects.
   * @example
   * const sp = await job.stopWithSavepoint!(); // later: Engine.start(spec, { checkpointDir, restoreFrom: sp.snapshotId })
   */
  stopWithSavepoint?(): Promise<CompletedSnapshot>;
  /** Recent checkpoints and savepoints of this run, oldest first (empty without `checkpointDir`). */
  checkpoints?(): CheckpointStats[];
  /**
   * Called with a copy of a checkpoint's or savepoint's stats when it starts, when a subtask
   * acknowledges (`acknowledged`/`total`), and when it completes (with `operators`: bytes per
   * node) or fails (with `error`). Returns an unsubscribe function.
   * @example
   * job.onCheckpoint((c) => io.to(jobRoom(job.id)).emit(`checkpoint:${c.status === 'in_progress' ? 'started' : c.status}`, { ...c, jobId: job.id, retained: true }));
   */
  onCheckpoint?(listener: (stats: CheckpointStats) => void): () => void;
  /** Called each time the restart strategy restarts the job (after its delay); returns an unsubscribe function. */
  onRestart?(listener: (e: RestartInfo) => void): () => void;
  /** What the current run restored from (`restoreFrom` given), with the corrupt checkpoints it passed over. */
  readonly restored?: RestoreReport | undefined;
}
