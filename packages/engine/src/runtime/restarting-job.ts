import type { DeadLetter, JobConfig, JobMetrics, JobSpec, JobStatus, RiffleErrorInfo } from '@riffle/shared';
import type { EngineLogger, JobHandle, JobResult, RestartInfo } from '../api.js';
import type { CheckpointListener, CheckpointStats, CompletedSnapshot } from '../checkpoint/coordinator.js';
import type { RestoreFrom, RestoreReport } from '../checkpoint/restore-latest.js';
import { toErrorInfo } from '../errors.js';
import type { PlanDescription } from '../plan/describe-plan.js';
import type { JobBase } from './job-base.js';
import { JobLifecycle, type StatusListener } from './lifecycle.js';

/** One run of the job (either runtime), as `Engine.start` launches it. */
export type JobRun = JobBase & JobHandle;

/**
 * Starts run number `attempt` (0 = the first) from `restoreFrom` (undefined: from scratch), its
 * checkpoint ids starting at `firstCheckpointId` or later.
 */
export type RunLauncher = (restoreFrom: RestoreFrom | undefined, attempt: number, firstCheckpointId?: number) => Promise<JobRun>;

export type RestartConfig = NonNullable<JobConfig['restart']>;

const DEFAULT_MAX_DELAY_MS = 60_000;
const MAX_STATS = 100;

/**
 * The wait before restart number `attempt` (1-based): `delayMs` for fixed-delay; for
 * exponential-backoff `delayMs · 2^(attempt-1)`, capped at `maxDelayMs` (Flink's
 * exponential-delay strategy without jitter, so tests can assert it).
 */
export function restartDelay(cfg: RestartConfig, attempt: number): number {
  if (cfg.strategy !== 'exponential-backoff') return cfg.delayMs;
  return Math.min(cfg.delayMs * 2 ** Math.max(0, attempt - 1), cfg.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
}

/**
 * The job handle when the spec has a restart strategy (Flink's restart strategies): it owns one
 * run at a time, and when a run fails (a task threw, a worker crashed, too many failed
 * checkpoints) it waits per the strategy (status `restarting`), starts a new run from
 * `recoverFrom` (`'latest'` with checkpoints: the newest checkpoint that verifies; from scratch
 * without; after a user's restore, see {@link pinned}), and reports it through `onRestart`. The caller keeps this one object: status, metrics,
 * checkpoint history and listeners, and `done` continue across runs. Once the attempts are used
 * up the job fails with the last run's error. Counters in `metrics()` are the current run's.
 */
export class RestartingJob implements JobHandle {
  readonly done: Promise<JobResult>;
  private resolveDone!: (r: JobResult) => void;
  private readonly lifecycle: JobLifecycle;
  private current!: JobRun;
  private currentEnded = false;
  /** Stats of the runs that ended, oldest first. */
  private readonly earlier: CheckpointStats[] = [];
  private readonly checkpointListeners = new Set<CheckpointListener>();
  private readonly restartListeners = new Set<(e: RestartInfo) => void>();
  private readonly restartLog: RestartInfo[] = [];
  /** First checkpoint id of the earliest run that took checkpoints: older ones predate the restore. */
  private since: number | undefined;
  private restarts = 0;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  private finalError: RiffleErrorInfo | undefined;

  constructor(
    first: JobRun,
    private readonly launch: RunLauncher,
    private readonly cfg: RestartConfig,
    /** What later runs restore from: `'latest'` with checkpoints, undefined without. */
    private readonly recoverFrom: string | undefined,
    private readonly logger: EngineLogger,
    /**
     * The snapshot the user restored the first run from (an explicit id, not `'latest'`): later
     * runs then recover from a checkpoint taken since that restore, or from it, never from a
     * newer-numbered checkpoint of the timeline the user left.
     */
    private readonly pinned?: string,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.lifecycle = new JobLifecycle((e) => logger.warn('status listener threw', { jobId: first.id, error: String(e) }));
    this.adopt(first);
  }

  get id(): string {
    return this.current.id;
  }

  get spec(): JobSpec {
    return this.current.spec;
  }

  get status(): JobStatus {
    return this.lifecycle.status;
  }

  get error(): RiffleErrorInfo | undefined {
    return this.finalError ?? (this.status === 'restarting' ? this.current.error : undefined);
  }

  /** The current run (diagnostics and tests: e.g. a threaded run's `injectFault`). */
  get run(): JobRun {
    return this.current;
  }

  get restored(): RestoreReport | undefined {
    return this.current.restored;
  }

  /** Every restart so far, oldest first (the same objects `onRestart` listeners got). */
  restartHistory(): RestartInfo[] {
    return this.restartLog.map((r) => ({ ...r }));
  }

  metrics(): JobMetrics {
    return { ...this.current.metrics(), status: this.status };
  }

  preview(nodeId: string): unknown[] {
    return this.current.preview(nodeId);
  }

  deadLetters(): DeadLetter[] {
    return this.current.deadLetters();
  }

  plan(): PlanDescription {
    return this.current.plan();
  }

  onStatus(listener: StatusListener): () => void {
    return this.lifecycle.subscribe(listener);
  }

  onCheckpoint(listener: CheckpointListener): () => void {
    this.checkpointListeners.add(listener);
    return () => this.checkpointListeners.delete(listener);
  }

  onRestart(listener: (e: RestartInfo) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  triggerCheckpoint(): Promise<CompletedSnapshot> {
    return this.current.triggerCheckpoint();
  }

  triggerSavepoint(): Promise<CompletedSnapshot> {
    return this.current.triggerSavepoint();
  }

  /** Stop with savepoint of the current run (see `JobBase.stopWithSavepoint`); the job then ends as stopped. */
  async stopWithSavepoint(): Promise<CompletedSnapshot> {
    const savepoint = await this.current.stopWithSavepoint();
    await this.stop();
    return savepoint;
  }

  checkpoints(): CheckpointStats[] {
    const all = this.currentEnded ? this.earlier : [...this.earlier, ...this.current.checkpoints()];
    return all.slice(-MAX_STATS).map((s) => ({ ...s }));
  }

  async stop(): Promise<void> {
    if (!this.stopRequested && this.lifecycle.canTransition('stopping')) {
      this.stopRequested = true;
      this.lifecycle.transition('stopping');
      if (this.wake !== undefined) this.wake();
      else void this.current.stop();
    }
    await this.done;
  }

  private adopt(run: JobRun): void {
    this.current = run;
    this.since ??= run.firstCheckpointId;
    this.currentEnded = false;
    run.onCheckpoint((stats) => {
      for (const l of [...this.checkpointListeners]) {
        try {
          l(stats);
        } catch (e) {
          this.logger.warn('checkpoint listener threw', { jobId: run.id, error: String(e) });
        }
      }
    });
    // Engine.start resolves a run once it is running (or already failed while opening).
    if (run.status === 'running' && this.lifecycle.canTransition('running')) this.lifecycle.transition('running');
    if (this.stopRequested) void run.stop();
    void run.done.then((r) => this.runEnded(run, r));
  }

  private async runEnded(run: JobRun, r: JobResult): Promise<void> {
    this.earlier.push(...run.checkpoints());
    if (this.earlier.length > MAX_STATS) this.earlier.splice(0, this.earlier.length - MAX_STATS);
    this.currentEnded = true;
    if (r.status !== 'failed' || this.stopRequested) return this.end(this.stopRequested ? { status: 'stopped' } : r);
    if (this.cfg.strategy === 'none' || this.restarts >= this.cfg.attempts) {
      this.logger.error('job failed: restart attempts exhausted', { jobId: run.id, attempts: this.restarts });
      return this.end(r);
    }
    const attempt = ++this.restarts;
    const delayMs = restartDelay(this.cfg, attempt);
    // A run that failed while opening (e.g. its broker still down) ends while the job is still
    // `restarting` from the previous failure: it stays there for the next attempt.
    if (this.lifecycle.status !== 'restarting') this.lifecycle.transition('restarting', r.error);
    this.logger.warn('job failed; restarting', { jobId: run.id, attempt, delayMs, error: r.error?.message });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((this.wake = undefined), resolve()), delayMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
    if (this.stopRequested) return this.end({ status: 'stopped' });
    let next: JobRun;
    try {
      next = await this.launch(this.recoveryPoint(), attempt, Math.max(0, ...this.earlier.map((s) => s.id)) + 1);
    } catch (e) {
      // The snapshot cannot be used (incompatible, unreadable storage): no later attempt can do better.
      return this.end({ status: 'failed', error: toErrorInfo(e) });
    }
    const report = next.restored;
    const info: RestartInfo = {
      reason: 'failure',
      attempt,
      delayMs,
      ts: Date.now(),
      ...(report?.snapshotId !== undefined ? { snapshotId: report.snapshotId } : {}),
      ...(report !== undefined && report.skipped.length > 0 ? { skipped: report.skipped } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
    };
    this.restartLog.push(info);
    for (const l of [...this.restartListeners]) {
      try {
        l({ ...info });
      } catch (e) {
        this.logger.warn('restart listener threw', { jobId: next.id, error: String(e) });
      }
    }
    this.adopt(next);
  }

  /** Where the next run starts: see {@link pinned}; until any run took checkpoints, the pinned snapshot itself. */
  private recoveryPoint(): RestoreFrom | undefined {
    if (this.pinned === undefined || this.recoverFrom === undefined) return this.recoverFrom;
    return { since: this.since ?? Number.MAX_SAFE_INTEGER, pinned: this.pinned };
  }

  private end(r: JobResult): void {
    if (r.status === 'failed') this.finalError = r.error;
    const to = r.status;
    // A stop during the restart wait passes through `stopping` already.
    if (this.lifecycle.canTransition(to)) this.lifecycle.transition(to, r.error);
    else if (to === 'stopped' && this.lifecycle.canTransition('stopping')) {
      this.lifecycle.transition('stopping');
      this.lifecycle.transition('stopped');
    }
    this.resolveDone(r);
  }
}
