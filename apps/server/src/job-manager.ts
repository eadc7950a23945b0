import { rm } from 'node:fs/promises';
import { Engine, WorkerPool, type EngineOptions, type JobHandle } from '@riffle/engine';
import {
  TERMINAL_STATUSES,
  type CheckpointInfo,
  validateSpec,
  type DeadLetter,
  type DeadLetterList,
  type DeadLettersEvent,
  type FailureEvent,
  type FailureList,
  type JobFailure,
  type JobInfo,
  type JobMetrics,
  type JobSpec,
  type JobStatus,
  type PreviewUpdate,
  type RestartEvent,
  type RiffleErrorInfo,
  type SampledRecord,
  type SpecProblem,
  type StatusUpdate,
} from '@riffle/shared';
import { CheckpointTracker, type CheckpointEventKind } from './checkpoints/checkpoint-tracker.js';
import { CheckpointHistoryFile } from './checkpoints/history-file.js';
import { resumePoint, startEngine } from './checkpoints/job-start.js';
import { SnapshotDisk } from './checkpoints/snapshot-disk.js';
import { newDeadLetters } from './dead-letter-push.js';
import { Emitter } from './emitter.js';
import { specProblemsOf, toErrorInfo } from './engine-errors.js';
import { newJobId } from './job-id.js';
import type { JobStore } from './job-store.js';
import { collectNodeIds, pickTimes, summarizeMetrics, type JobDetails, type JobRecord, type JobSummary } from './job-views.js';
import { engineLogger, type Logger } from './logger.js';
import { isFlinkHandle, targetOf } from './flink/flink-jobs.js';
import { RingBuffer } from './ring-buffer.js';

/** How the manager starts a job; `Engine.start` unless an embedder passes another. */
export type StartJob = (spec: JobSpec, options: EngineOptions) => Promise<JobHandle>;

export interface JobManagerOptions {
  store: JobStore;
  logger: Logger;
  /** Relative file paths in specs resolve against this folder. */
  baseDir: string;
  startJob?: StartJob;
  /** Default 1000. */
  sampleIntervalMs?: number;
  /** Metrics samples kept per job; default 900 (15 minutes at 1 Hz). */
  historySize?: number;
  /** How long `stop()` and `close()` wait for the engine; default 10 s. */
  stopTimeoutMs?: number;
  /**
   * Worker threads the jobs share (each job leases its own threads; ended jobs leave them warm
   * for the next). Default: a pool of the manager's own, ended by `close()`.
   */
  workerPool?: WorkerPool;
}

export interface ManagerEvents {
  metrics: (m: JobMetrics) => void;
  preview: (p: PreviewUpdate) => void;
  status: (s: StatusUpdate) => void;
  checkpoint: (e: { kind: CheckpointEventKind; info: CheckpointInfo }) => void;
  restarted: (e: RestartEvent) => void;
  failure: (f: FailureEvent) => void;
  deadLetters: (d: DeadLettersEvent) => void;
}

/** The subscribe snapshot: the job, its metrics history and its collect sinks' records. */
export interface JobSnapshot {
  job: JobInfo;
  history: JobMetrics[];
  previews: Record<string, unknown[]>;
}

interface ManagedJob {
  record: JobRecord;
  handle?: JobHandle;
  /** Settles once `Engine.start` returned or failed. */
  starting?: Promise<StartFailure | undefined>;
  unsubscribe?: () => void;
  history: RingBuffer<JobMetrics>;
  /** Latest known records per collect node, and a cheap signature to detect changes. */
  previews: Record<string, unknown[]>;
  previewSig: Map<string, string>;
  deadLetters: DeadLetter[];
  /** Dead-letter total already pushed as `deadLetters` events. */
  deadSent: number;
  /** Errors that failed or restarted it, oldest first (in memory: a server restart forgets them). */
  failures: RingBuffer<JobFailure>;
  /** Status last written to disk (checkpointing is written as running). */
  savedStatus?: JobStatus;
  tracker: CheckpointTracker;
  /** Finished checkpoints on disk, so the history outlives the server process. */
  historyFile: CheckpointHistoryFile;
  lastCheckpoint?: CheckpointInfo;
  lastRestart?: RestartEvent;
  /** A restart is under way: other restarts are refused. */
  restarting?: boolean;
}

/** How a run starts: from a snapshot, and why (for `job:restarted`). */
export interface LaunchOptions {
  dropIfRefused?: boolean;
  restoreFrom?: string;
  restart?: RestartEvent['reason'];
}

/** A restart the job cannot take now (another is under way). */
export class JobBusyError extends Error {
  readonly code = 'job_busy';
}

/** Why `Engine.start` threw; `problems` when the engine refused the spec. */
export interface StartFailure {
  error: RiffleErrorInfo;
  problems?: SpecProblem[];
}

/** Failures remembered per job: enough to see a restart loop, small enough to send whole. */
const FAILURES_KEPT = 50;

const isTerminal = (s: JobStatus) => TERMINAL_STATUSES.has(s);
const durable = (s: JobStatus): JobStatus => (s === 'checkpointing' ? 'running' : s);

/**
 * Owns the running jobs: starts them through the engine, samples their metrics once a second
 * into a ring buffer, tracks status changes, persists records, and emits `metrics`, `preview` and
 * `status` events for the live protocol. No HTTP in here.
 * @example
 * const jobs = new JobManager({ store, logger, baseDir: process.cwd() });
 * await jobs.init();
 * const { job } = await jobs.submit(validatedSpec);
 */
export class JobManager extends Emitter<ManagerEvents> {
  private readonly jobs = new Map<string, ManagedJob>();
  private readonly startJob: StartJob;
  private readonly historySize: number;
  private readonly stopTimeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly workerPool: WorkerPool;
  private readonly ownsPool: boolean;

  constructor(private readonly opts: JobManagerOptions) {
    super();
    this.startJob = opts.startJob ?? ((spec, o) => Engine.start(spec, o));
    this.historySize = opts.historySize ?? 900;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
    this.ownsPool = opts.workerPool === undefined;
    this.workerPool = opts.workerPool ?? new WorkerPool();
  }

  /**
   * Loads every persisted job and starts sampling. Jobs that were not in a terminal state when
   * the server went down resume from their latest completed checkpoint (see {@link resumePoint});
   * a job that never completed one starts from the beginning of its input.
   */
  async init(): Promise<void> {
    const records = await this.opts.store.loadAll();
    const relaunch: Array<[ManagedJob, string]> = [];
    for (const record of records) {
      const job = this.track(record);
      job.savedStatus = record.status;
      job.tracker.seed(await job.historyFile.load());
      job.lastCheckpoint = (await this.disk(record.id).retained().catch(() => []))[0];
      if (isTerminal(record.status)) continue;
      if (record.status === 'stopping') {
        // The user had asked to stop it; honour that rather than running it again.
        this.setStatus(job, 'stopped');
        continue;
      }
      const v = validateSpec(record.spec);
      if (!v.ok || !v.spec) {
        const paths = v.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        this.setStatus(job, 'failed', {
          code: 'spec_no_longer_valid',
          message: `the saved spec no longer validates (${paths}); fix it in the builder and submit it again`,
          domain: 'user',
          retryable: false,
        });
        continue;
      }
      record.spec = v.spec;
      const from = await resumePoint(this.disk(record.id), record, this.opts.logger.child({ jobId: record.id }));
      this.opts.logger.warn({ jobId: record.id, name: record.name, was: record.status, from }, 'job was running when the server stopped; resuming it');
      relaunch.push([job, from]);
    }
    await Promise.all(relaunch.map(([job, from]) => this.launch(job, { restart: 'server-restart', restoreFrom: from })));
    this.timer = setInterval(() => this.sampleAll(), this.opts.sampleIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Starts a validated spec as a new job. When the engine refuses the spec itself (`problems`, e.g.
   * a kind it cannot run yet) the job is dropped, as if validation had failed; when it throws for
   * another reason the job is kept as `failed`. The record is first written once the engine has
   * answered: a job whose submit was never acknowledged need not survive a crash.
   */
  async submit(spec: JobSpec, from?: { prepare(disk: SnapshotDisk): Promise<string>; allowNonRestoredState?: boolean }): Promise<{ id: string; failure?: StartFailure }> {
    if (this.closing) throw new Error('the server is shutting down');
    const record: JobRecord = { version: 1, id: newJobId(), name: spec.name, spec, status: 'created', createdAt: Date.now() };
    // A start from another job's savepoint: it is copied into this job's folder first.
    let restoreFrom: string | undefined;
    try {
      restoreFrom = from ? await from.prepare(this.disk(record.id)) : undefined;
    } catch (err) {
      await this.forget(record.id);
      throw err;
    }
    if (restoreFrom !== undefined) record.resume = { from: restoreFrom, after: 0, ...(from?.allowNonRestoredState ? { allowNonRestoredState: true } : {}) };
    const job = this.track(record);
    const failure = await this.launch(job, { dropIfRefused: true, ...(restoreFrom === undefined ? {} : { restoreFrom, restart: 'restore' }) });
    if (failure?.problems || (failure && restoreFrom !== undefined)) await this.forget(record.id);
    // The answer says the job exists: its record is on disk before (a crash right after the
    // answer must not lose it; the launch's own save is not awaited).
    else await this.persist(job);
    return failure ? { id: record.id, failure } : { id: record.id };
  }

  /**
   * Stops the job's current run, if any, and starts it again from snapshot `restoreFrom`, with
   * `spec` when given (e.g. another parallelism). Rejects with {@link JobBusyError} while
   * another restart of the job is under way; resolves with the failure when it could not start.
   */
  async restart(id: string, o: { restoreFrom: string; spec?: JobSpec }): Promise<StartFailure | undefined> {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    if (job.restarting) throw new JobBusyError(`job ${id} is already restarting; wait until it runs again`);
    job.restarting = true;
    try {
      await job.starting;
      const handle = job.handle;
      // Forget the old run first, so its end does not mark the job stopped.
      job.unsubscribe?.();
      job.handle = undefined;
      if (handle && !isTerminal(handle.status)) {
        this.setStatus(job, 'restarting');
        await this.withTimeout(handle.stop(), `stopping job ${id} to restore it`);
      }
      job.tracker.detach();
      // Checkpoints numbered up to here belong to the abandoned timeline (see JobRecord.resume).
      const allow = job.record.resume?.allowNonRestoredState ? { allowNonRestoredState: true } : {};
      job.record.resume = { from: o.restoreFrom, after: await this.disk(id).highestCheckpoint(), ...allow };
      if (o.spec) job.record.spec = o.spec;
      await this.persist(job);
      return await this.launch(job, { restoreFrom: o.restoreFrom, restart: 'restore' });
    } finally {
      job.restarting = false;
    }
  }

  /** The running engine job, when there is one. */
  handleOf(id: string): JobHandle | undefined {
    return this.jobs.get(id)?.handle;
  }

  /** The job's record (spec, status); undefined for an unknown id. */
  recordOf(id: string): Readonly<JobRecord> | undefined {
    return this.jobs.get(id)?.record;
  }

  /** The job's checkpoint history in memory (this and earlier runs), newest first. */
  checkpointHistory(id: string): CheckpointInfo[] {
    const job = this.jobs.get(id);
    if (!job) return [];
    if (job.handle) job.tracker.poll(job.handle);
    return job.tracker.entries();
  }

  /** The job's snapshots on disk (its folder is `checkpointDir`). */
  disk(id: string): SnapshotDisk {
    return new SnapshotDisk(this.opts.store.jobDir(id), id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Newest first. */
  list(): JobSummary[] {
    return [...this.jobs.values()]
      .sort((a, b) => b.record.createdAt - a.record.createdAt)
      .map(({ record: r, history, lastCheckpoint: c }) => {
        const m = history.last() ?? r.metrics;
        return { id: r.id, name: r.name, status: r.status, target: targetOf(r.spec), createdAt: r.createdAt, ...pickTimes(r), ...(m ? { metrics: summarizeMetrics(m) } : {}), ...(c ? { lastCheckpoint: c } : {}) };
      });
  }

  details(id: string): JobDetails | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    return { ...this.info(job), previews: this.previewsOf(job), deadLetters: this.deadLettersOf(job) };
  }

  /** The newest dead letters first; undefined for an unknown job. */
  deadLetters(id: string): DeadLetterList | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    const total = job.history.last()?.deadLetters ?? job.record.metrics?.deadLetters ?? 0;
    return { deadLetters: this.deadLettersOf(job).slice().reverse(), total };
  }

  /** The newest failures first; undefined for an unknown job. */
  failures(id: string): FailureList | undefined {
    const job = this.jobs.get(id);
    return job && { failures: job.failures.toArray().reverse() };
  }

  snapshot(id: string): JobSnapshot | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    return { job: this.info(job), history: job.history.toArray(), previews: this.previewsOf(job) };
  }

  /**
   * Live preview of one node (see `JobHandle.sample`): keeps the node's tap on and returns its
   * recent output records; `[]` when the job is not running; undefined when there is no such job
   * or node.
   */
  sampleNode(id: string, nodeId: string): SampledRecord[] | undefined {
    const job = this.jobs.get(id);
    if (!job || !job.record.spec.nodes.some((n) => n.id === nodeId)) return undefined;
    const handle = job.handle;
    if (!handle?.sample || isTerminal(job.record.status)) return [];
    try {
      return handle.sample(nodeId);
    } catch (err) {
      this.opts.logger.warn({ jobId: id, nodeId, err: String(err) }, 'could not sample the node');
      return [];
    }
  }

  /** Stops a job and resolves with its details once the engine stopped it (or the wait timed out). */
  async stop(id: string): Promise<JobDetails | undefined> {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    await job.starting;
    const handle = job.handle;
    if (!isTerminal(job.record.status)) {
      if (handle) {
        this.setStatus(job, 'stopping');
        try {
          await this.withTimeout(handle.stop(), `stopping job ${id}`);
        } catch (err) {
          // Not stopped (e.g. Flink unreachable): the job shows what its handle says, not "stopping".
          if (handle.status !== 'stopping') this.setStatus(job, handle.status, handle.error);
          throw err;
        }
        await this.withTimeout(handle.done, `waiting for job ${id} to end`);
        // In case the engine's status listener has not run yet.
        this.setStatus(job, handle.status, handle.error);
      } else {
        this.setStatus(job, 'stopped');
      }
    }
    return this.details(id);
  }

  /**
   * Stops sampling and the engine's jobs without recording them as stopped, so the next start
   * brings back the jobs that were running.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    const jobs = [...this.jobs.values()];
    await Promise.all(jobs.map((j) => j.starting));
    await Promise.all(
      jobs.map(async (job) => {
        job.unsubscribe?.();
        job.tracker.detach();
        const h = job.handle;
        // A Flink job runs on without the server, which re-attaches to it on its next start.
        if (isFlinkHandle(h)) h.detach();
        else if (h && !isTerminal(h.status)) await this.withTimeout(h.stop(), `stopping job ${job.record.id} for shutdown`);
        await job.historyFile.flush();
      }),
    );
    await this.opts.store.flush();
    if (this.ownsPool) await this.workerPool.close();
  }

  private track(record: JobRecord): ManagedJob {
    const job: ManagedJob = {
      record,
      history: new RingBuffer(this.historySize),
      previews: {},
      previewSig: new Map(),
      deadLetters: [],
      deadSent: 0,
      failures: new RingBuffer(FAILURES_KEPT),
      tracker: new CheckpointTracker(record.id, (kind, c) => void this.onCheckpoint(job, kind, c)),
      historyFile: new CheckpointHistoryFile(this.opts.store.jobDir(record.id), (err) =>
        this.opts.logger.warn({ jobId: record.id, err: String(err) }, 'could not save the checkpoint history; check that DATA_DIR is writable'),
      ),
    };
    this.jobs.set(record.id, job);
    return job;
  }

  /** Remembers an error once, though a restart may report it both as a status and as an event. */
  private noteFailure(job: ManagedJob, status: JobStatus, error: RiffleErrorInfo, ts = Date.now()): void {
    const last = job.failures.last();
    if (last && last.error.code === error.code && last.error.message === error.message && Math.abs(last.ts - ts) < 2000) return;
    job.failures.push({ ts, status, error });
    this.emit('failure', { jobId: job.record.id, ts, status, error });
  }

  /** A restart of the job (restore, server restart, or the engine's restart strategy). */
  private restarted(job: ManagedJob, e: Omit<RestartEvent, 'jobId'>): void {
    job.lastRestart = { ...e, jobId: job.record.id };
    if (e.error) this.noteFailure(job, 'restarting', e.error, e.ts);
    this.opts.logger.info({ jobId: job.record.id, reason: e.reason, from: e.snapshotId, attempt: e.attempt }, 'job restarted');
    this.emit('restarted', job.lastRestart);
  }

  /** Completed ones get their size per operator from the metadata on disk before they go out. */
  private async onCheckpoint(job: ManagedJob, kind: CheckpointEventKind, c: CheckpointInfo): Promise<void> {
    let info = c;
    if (kind === 'completed') {
      if (c.operators === undefined && c.snapshotId !== undefined) {
        const operators = await this.disk(job.record.id).operatorsOf(c.snapshotId).catch(() => undefined);
        if (operators) info = { ...c, operators };
      }
      job.lastCheckpoint = info;
    }
    if (kind !== 'started') job.historyFile.record(info);
    this.emit('checkpoint', { kind, info });
  }

  /** Drops a job that never started, with its folder (e.g. a copied savepoint). */
  private async forget(id: string): Promise<void> {
    this.jobs.delete(id);
    await rm(this.opts.store.jobDir(id), { recursive: true, force: true }).catch(() => undefined);
  }

  /** Starts (or restarts) a job in the engine; resolves with the error when it could not start. */
  private launch(job: ManagedJob, opts: LaunchOptions = {}): Promise<StartFailure | undefined> {
    const { record } = job;
    record.status = 'created';
    delete record.startedAt;
    delete record.endedAt;
    delete record.error;
    delete record.metrics;
    const log = this.opts.logger.child({ jobId: record.id });
    job.starting = (async () => {
      let handle: JobHandle;
      try {
        // Ids continue past every run's, also failed checkpoints that left no folder on disk.
        const base = {
          baseDir: this.opts.baseDir,
          confineFiles: true,
          logger: engineLogger(this.opts.logger, record.id),
          firstCheckpointId: job.tracker.highestId() + 1,
          workerPool: this.workerPool,
          // A job started from a savepoint with operators removed: also when it resumes from that savepoint.
          ...(record.resume?.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
        };
        handle = await startEngine(this.startJob, record, base, this.opts.store.jobDir(record.id), opts.restoreFrom);
      } catch (err) {
        const failure: StartFailure = { error: toErrorInfo(err) };
        const problems = specProblemsOf(err);
        if (problems) failure.problems = problems;
        log.warn({ err: failure.error }, 'the engine could not start the job');
        if (!(problems && opts.dropIfRefused)) this.setStatus(job, 'failed', failure.error);
        return failure;
      }
      if (this.closing) {
        await this.withTimeout(handle.stop(), `stopping job ${record.id} started during shutdown`);
        return undefined;
      }
      job.handle = handle;
      record.startedAt = Date.now();
      const flinkJobId = isFlinkHandle(handle) ? handle.flinkJobId : undefined;
      if (flinkJobId) record.flinkJobId = flinkJobId;
      job.tracker.attach(handle);
      if (opts.restart) {
        // With 'latest' the engine says what it found (and which corrupt checkpoints it passed over).
        // A Flink run re-attached to after a server restart restored nothing: only its handle says.
        const from = handle.restored?.snapshotId ?? (opts.restoreFrom === 'latest' || flinkJobId !== undefined ? undefined : opts.restoreFrom);
        const skipped = handle.restored?.skipped ?? [];
        this.restarted(job, { reason: opts.restart, ...(from === undefined ? {} : { snapshotId: from }), ...(skipped.length > 0 ? { skipped } : {}), ts: Date.now() });
      }
      const offRestart = handle.onRestart?.((e) => this.restarted(job, e));
      const offStatus = handle.onStatus((s, e) => this.setStatus(job, s, e));
      job.unsubscribe = () => {
        offStatus();
        offRestart?.();
      };
      void handle.done.then((r) => this.onDone(job, handle, r.status, r.error));
      this.setStatus(job, handle.status, handle.error);
      void this.persist(job);
      return undefined;
    })();
    return job.starting;
  }

  private onDone(job: ManagedJob, handle: JobHandle, status: JobStatus, error?: RiffleErrorInfo): void {
    if (this.closing || job.handle !== handle) return;
    this.setStatus(job, status, error);
    // done settles after the last records went through, so this sample has the final counts.
    this.sample(job, handle);
    job.deadLetters = handle.deadLetters();
    job.record.metrics = job.history.last();
    job.unsubscribe?.();
    job.tracker.detach();
    job.handle = undefined;
    void this.persist(job);
  }

  private setStatus(job: ManagedJob, status: JobStatus, error?: RiffleErrorInfo): void {
    if (this.closing) return;
    const r = job.record;
    if (isTerminal(r.status) || (status === r.status && error === undefined)) return;
    r.status = status;
    if (error) {
      r.error = error;
      this.noteFailure(job, status, error);
    }
    if (isTerminal(status)) {
      r.endedAt = Date.now();
      if (job.handle) {
        this.sample(job, job.handle);
        r.metrics = job.history.last();
      }
    }
    this.opts.logger.info({ jobId: r.id, status, ...(error ? { err: error } : {}) }, 'job status changed');
    const err = error ?? (status === 'failed' ? r.error : undefined);
    this.emit('status', { jobId: r.id, status, ...(err ? { error: err } : {}) });
    if (durable(status) !== job.savedStatus || isTerminal(status)) void this.persist(job);
  }

  private persist(job: ManagedJob): Promise<void> {
    const rec = { ...job.record };
    job.savedStatus = durable(rec.status);
    return this.opts.store.save({ ...rec, status: job.savedStatus }).catch((err: unknown) => {
      this.opts.logger.error({ jobId: rec.id, err: String(err) }, 'could not save the job record; check that DATA_DIR is writable');
    });
  }

  private sampleAll(): void {
    for (const job of this.jobs.values()) if (job.handle) this.sample(job, job.handle);
  }

  private sample(job: ManagedJob, handle: JobHandle): void {
    try {
      const m = handle.metrics();
      job.history.push(m);
      this.emit('metrics', m);
      // Pushed with the sample rather than per record: one small bounded message a second at most.
      const dead = newDeadLetters(m.deadLetters !== job.deadSent ? handle.deadLetters() : [], m.deadLetters, job.deadSent);
      job.deadSent = dead.sent;
      if (dead.push) this.emit('deadLetters', { jobId: job.record.id, deadLetters: dead.push, total: m.deadLetters });
      for (const nodeId of collectNodeIds(job.record.spec)) {
        const records = handle.preview(nodeId);
        // Preview buffers can hold 10 000 records; compare a cheap signature, not the content.
        const seen = m.operators.find((o) => o.nodeId === nodeId)?.recordsIn ?? -1;
        const sig = `${records.length}|${seen}|${safeJson(records[records.length - 1])}|${safeJson(records[0])}`;
        if (job.previewSig.get(nodeId) === sig) continue;
        job.previewSig.set(nodeId, sig);
        job.previews[nodeId] = records;
        this.emit('preview', { jobId: job.record.id, nodeId, records });
      }
    } catch (err) {
      this.opts.logger.warn({ jobId: job.record.id, err: String(err) }, 'could not sample job metrics');
    }
  }

  private info(job: ManagedJob): JobInfo {
    const r = job.record;
    let metrics = job.history.last() ?? r.metrics;
    if (job.handle) {
      try {
        metrics = job.handle.metrics();
      } catch {
        // keep the last sample
      }
    }
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      spec: r.spec,
      createdAt: r.createdAt,
      ...pickTimes(r),
      ...(metrics ? { metrics } : {}),
      ...(job.lastCheckpoint ? { lastCheckpoint: job.lastCheckpoint } : {}),
      ...(job.lastRestart ? { lastRestart: job.lastRestart } : {}),
      target: targetOf(r.spec),
      ...(r.flinkJobId ? { flinkJobId: r.flinkJobId } : {}),
    };
  }

  private previewsOf(job: ManagedJob): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const nodeId of collectNodeIds(job.record.spec)) out[nodeId] = job.handle ? job.handle.preview(nodeId) : (job.previews[nodeId] ?? []);
    return out;
  }

  private deadLettersOf(job: ManagedJob): DeadLetter[] {
    return job.handle ? job.handle.deadLetters() : job.deadLetters;
  }

  private async withTimeout(p: Promise<unknown>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), this.stopTimeoutMs)));
    try {
      const r = await Promise.race([p.then(() => 'ok' as const), timeout]);
      if (r === 'timeout') this.opts.logger.warn({ ms: this.stopTimeoutMs }, `${what} timed out`);
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, `${what} failed`);
    } finally {
      clearTimeout(timer);
    }
  }

  protected override onListenerError(err: unknown): void {
    this.opts.logger.error({ err: String(err) }, 'a job event listener threw');
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return '?';
  }
}
