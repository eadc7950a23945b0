import type { CheckpointStats, CompletedSnapshot, JobHandle, JobResult, RestoreReport } from '@riffle/engine';
import { TERMINAL_STATUSES, type DeadLetter, type JobMetrics, type JobSpec, type JobStatus, type RiffleErrorInfo } from '@riffle/shared';
import { addKafkaLag, type EndOffsetsReader } from './flink-lag.js';
import { quietRepeats, type Warn } from './repeated-warnings.js';
import { buildJobMetrics, smoothRates } from './flink-metrics.js';
import {
  flinkSnapshotId,
  operatorBytes,
  toCheckpointStats,
  type FlinkCheckpointDetails,
  type FlinkCheckpointStatistics,
  type FlinkTaskCheckpointDetails,
} from './flink-checkpoints.js';
import { FlinkRestError, type FlinkRest } from './flink-rest.js';
import { FLINK_TERMINAL, riffleStatus } from './flink-status.js';
import { FlinkSnapshotError, FlinkTriggers } from './flink-triggers.js';
import { readVertexSamples, type FlinkVertex, type MetricIdCache } from './flink-vertices.js';
import type { FlinkPreviewSource } from './flink-previews.js';
import type { FlinkSqlPlan } from './plan-types.js';
import { mapNodesToVertices } from './vertex-map.js';

/** `GET /jobs/:jid`, the parts Riffle reads. */
interface FlinkJobDetails {
  state: string;
  vertices: FlinkVertex[];
  plan?: { nodes?: Array<{ id: string; description?: string }> };
}

export interface FlinkJobHandleOptions {
  /** Riffle's job id. */
  id: string;
  spec: JobSpec;
  flinkJobId: string;
  plan: FlinkSqlPlan;
  rest: FlinkRest;
  /** How often Flink is read while the job lives; default 1000 ms. */
  pollMs?: number;
  /**
   * Called with the snapshots Flink completed (API id → path), to keep them for restores, and the
   * ids of those it has since discarded (subsumed beyond the cluster's `num-retained`); resolves once kept.
   */
  onSnapshots?: (found: Record<string, string>, discarded: string[]) => Promise<void>;
  /**
   * Called with true before Riffle ends the Flink job and when it saw it end, with false when a
   * stop with savepoint failed and the job runs on; resolves once kept.
   */
  onRunOver?: (over: boolean) => Promise<void>;
  /** The rows of the run's preview sinks (read from their Kafka topics); without it previews stay empty. */
  previews?: FlinkPreviewSource;
  /** A run restored from a snapshot says which. */
  restored?: RestoreReport;
  /** Reads a topic's log ends, for the Kafka sources' lag per partition; without it only Flink's total (`pendingRecords`) is shown. */
  endOffsets?: EndOffsetsReader;
  warn?: Warn;
}

/**
 * A job running on a Flink cluster, behind the same {@link JobHandle} the embedded engine's jobs
 * have, so the job manager, the checkpoint routes and the live protocol treat both alike. It reads
 * the job from Flink's REST API once a period while the job lives (status, vertex metrics,
 * watermarks, back-pressure, checkpoint history) and answers from that; `stop()` cancels the job,
 * `detach()` only stops reading it (the server's shutdown: the job runs on and is re-attached).
 * @example
 * const h = new FlinkJobHandle({ id, spec, flinkJobId, plan, rest });
 * h.start();
 * await h.stop();
 */
export class FlinkJobHandle implements JobHandle {
  readonly target = 'flink' as const;
  readonly id: string;
  readonly spec: JobSpec;
  readonly flinkJobId: string;
  readonly sqlPlan: FlinkSqlPlan;
  readonly done: Promise<JobResult>;
  readonly restored: RestoreReport | undefined;
  status: JobStatus = 'created';
  error: RiffleErrorInfo | undefined;
  private settle!: (r: JobResult) => void;
  private readonly listeners = new Set<(s: JobStatus, e?: RiffleErrorInfo) => void>();
  private readonly triggers: FlinkTriggers;
  private latest: JobMetrics | undefined;
  /** The sample where Flink's totals last changed: rates are taken since then (see `smoothRates`). */
  private rateBase: JobMetrics | undefined;
  private history: CheckpointStats[] = [];
  private readonly paths = new Map<string, string>();
  private readonly metricIds: MetricIdCache = new Map();
  private nodeVertex: Record<string, string> | undefined;
  private stopping = false;
  /** Settles once an ended run has been reported (its preview read to the end first). */
  private ending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private ended = false;
  /** `o.warn` with repeats of a message kept quiet for a while (the reads repeat every second). */
  private readonly warn: Warn | undefined;

  constructor(private readonly o: FlinkJobHandleOptions) {
    this.warn = o.warn === undefined ? undefined : quietRepeats(o.warn);
    this.id = o.id;
    this.spec = o.spec;
    this.flinkJobId = o.flinkJobId;
    this.sqlPlan = o.plan;
    this.restored = o.restored;
    this.triggers = new FlinkTriggers(o.rest, o.flinkJobId);
    this.done = new Promise((res) => (this.settle = res));
  }

  /** Reads the job once (so the status is known when this resolves), then every period. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  /** Stops reading Flink; the Flink job is left as it is (and its preview topics with it). */
  detach(): void {
    this.ended = true;
    clearTimeout(this.timer);
    void this.o.previews?.close();
  }

  metrics(): JobMetrics {
    return this.latest ? { ...this.latest, status: this.status } : { jobId: this.id, ts: Date.now(), status: this.status, operators: [], deadLetters: 0 };
  }

  /**
   * The latest rows of a `sink.collect` node: Flink writes them to the node's preview topic, which
   * the server reads (`FlinkPreviews`); empty without a preview Kafka cluster (they go to a blackhole).
   */
  preview(nodeId: string): unknown[] {
    return this.o.previews?.records(nodeId) ?? [];
  }

  deadLetters(): DeadLetter[] {
    return [];
  }

  onStatus(listener: (status: JobStatus, error?: RiffleErrorInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  checkpoints(): CheckpointStats[] {
    return this.history.map((c) => ({ ...c }));
  }

  /** Cancels the Flink job (`PATCH /jobs/:jid?mode=cancel`); resolves once Flink says it ended. */
  async stop(): Promise<void> {
    if (TERMINAL_STATUSES.has(this.status)) return;
    // Ended already, being reported (its preview read to the end).
    if (this.ending) return this.ending;
    const before = this.status;
    this.stopping = true;
    this.setStatus('stopping');
    await this.o.onRunOver?.(true);
    try {
      await this.o.rest.patch(`/jobs/${this.flinkJobId}?mode=cancel`);
    } catch (err) {
      // Already ended in Flink: the next read says how.
      if (!(err instanceof FlinkRestError && err.code === 'flink_not_found')) {
        // Flink unreachable or refusing: the job may well run on, so it is not marked over (a
        // later start would otherwise submit a second run beside it); the caller gets the error.
        this.stopping = false;
        await this.o.onRunOver?.(false);
        if (!TERMINAL_STATUSES.has(this.status)) this.setStatus(before);
        throw err;
      }
    }
    await this.waitForEnd();
  }

  async triggerCheckpoint(): Promise<CompletedSnapshot> {
    const id = await this.triggers.checkpoint();
    const c = await this.listed((h) => h.id === id);
    return { id, snapshotId: `chk-${id}`, kind: 'checkpoint', bytes: c?.bytes ?? 0, durationMs: c?.durationMs ?? 0 };
  }

  async triggerSavepoint(): Promise<CompletedSnapshot> {
    return this.savepointDone(await this.triggers.savepoint());
  }

  /** Flink's stop with savepoint; the job then ends (stopped). On failure it runs on. */
  async stopWithSavepoint(): Promise<CompletedSnapshot> {
    this.stopping = true;
    await this.o.onRunOver?.(true);
    let location: string;
    try {
      location = await this.triggers.stopWithSavepoint();
    } catch (err) {
      this.stopping = false;
      await this.o.onRunOver?.(false);
      throw err;
    }
    const sp = await this.savepointDone(location);
    await this.waitForEnd();
    return sp;
  }

  private async savepointDone(location: string): Promise<CompletedSnapshot> {
    const snapshotId = flinkSnapshotId({ id: 0, is_savepoint: true, external_path: location });
    if (snapshotId === undefined) throw new FlinkSnapshotError('savepoint_failed', `Flink wrote the savepoint to ${location}, a path Riffle cannot name; restore it with Flink's own tools`);
    // Kept before answering, so a restore right after finds it.
    await this.remember({ [snapshotId]: location });
    const c = await this.listed((h) => h.snapshotId === snapshotId);
    return { id: c?.id ?? 0, snapshotId, kind: 'savepoint', bytes: c?.bytes ?? 0, durationMs: c?.durationMs ?? 0 };
  }

  /**
   * The history entry of a snapshot Flink just completed. Flink's REST API serves the history
   * from a cache refreshed every `web.refresh-interval` (3 s by default), so it is read again
   * until the entry is there (or 10 s passed: the answer then lacks its size).
   */
  private async listed(match: (c: CheckpointStats) => boolean): Promise<CheckpointStats | undefined> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.readCheckpoints();
      } catch (err) {
        // The snapshot completed; a failed read of the statistics only costs the size in the answer.
        this.warn?.('could not read the Flink checkpoint statistics', err);
      }
      const c = this.history.find((h) => match(h) && h.status !== 'in_progress');
      if (c || Date.now() > deadline) return c;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async remember(found: Record<string, string>, discarded: string[] = []): Promise<void> {
    const fresh = Object.entries(found).filter(([id, path]) => this.paths.get(id) !== path);
    const gone = discarded.filter((id) => this.paths.get(id) !== '');
    if (fresh.length === 0 && gone.length === 0) return;
    for (const [id, path] of fresh) this.paths.set(id, path);
    // '' marks an id known to be discarded, so it is reported once.
    for (const id of gone) this.paths.set(id, '');
    await this.o.onSnapshots?.(Object.fromEntries(fresh), gone);
  }

  private async waitForEnd(): Promise<void> {
    while (!this.ended) {
      await this.poll();
      if (!this.ended) await new Promise((r) => setTimeout(r, 200));
    }
    await this.ending;
  }

  private schedule(): void {
    if (this.ended) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  /** One read of the job; concurrent callers share it. */
  private poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    if (this.ended) return;
    let job: FlinkJobDetails;
    try {
      job = await this.o.rest.get<FlinkJobDetails>(`/jobs/${this.flinkJobId}`);
    } catch (err) {
      if (err instanceof FlinkRestError && err.code === 'flink_not_found') {
        this.end('failed', { code: 'flink_job_lost', message: `the Flink cluster no longer knows job ${this.flinkJobId} (was it restarted?); restore the job from a savepoint or submit it again`, domain: 'external', retryable: false });
      } else this.warn?.('could not read the Flink job', err);
      return;
    }
    const status = riffleStatus(job.state, job.vertices.map((v) => v.status), { stopping: this.stopping });
    this.nodeVertex ??= this.mapVertices(job);
    try {
      // Once the job ended its operators' metrics are gone: the last sample keeps the totals.
      if (status === 'running' || (status === 'stopping' && !FLINK_TERMINAL.has(job.state))) await this.readMetrics(job, status);
      await this.readCheckpoints();
    } catch (err) {
      this.warn?.('could not read the Flink job metrics', err);
    }
    if (FLINK_TERMINAL.has(job.state)) this.end(status, job.state === 'FAILED' || job.state === 'SUSPENDED' ? await this.failureOf(job.state) : undefined);
    else this.setStatus(status);
  }

  private mapVertices(job: FlinkJobDetails): Record<string, string> {
    const descriptions = new Map((job.plan?.nodes ?? []).map((n) => [n.id, n.description ?? '']));
    return mapNodesToVertices(this.spec, this.sqlPlan, job.vertices.map((v) => ({ id: v.id, text: `${v.name}\n${descriptions.get(v.id) ?? ''}` })));
  }

  private async readMetrics(job: FlinkJobDetails, status: JobStatus): Promise<void> {
    const vertices = await readVertexSamples(this.o.rest, this.flinkJobId, job.vertices, this.metricIds);
    const input = { spec: this.spec, plan: this.sqlPlan, nodeVertex: this.nodeVertex ?? {}, vertices };
    let sample = buildJobMetrics({ jobId: this.id, ts: Date.now(), status, ...input, ...(this.rateBase ? { prev: this.rateBase } : {}) });
    if (this.o.endOffsets) sample = await addKafkaLag(sample, input, this.o.endOffsets, this.warn);
    const { shown, base } = smoothRates(sample, this.rateBase);
    this.latest = shown;
    this.rateBase = base;
  }

  private async readCheckpoints(): Promise<void> {
    const stats = await this.o.rest.get<FlinkCheckpointStatistics>(`/jobs/${this.flinkJobId}/checkpoints`);
    const found: Record<string, string> = {};
    const discarded: string[] = [];
    for (const e of stats.history ?? []) {
      const id = flinkSnapshotId(e);
      if (e.status !== 'COMPLETED' || !id) continue;
      if (e.discarded) discarded.push(id);
      else if (e.external_path) found[id] = e.external_path;
    }
    await this.remember(found, discarded);
    // Flink keeps a bounded history; entries it dropped stay in Riffle's (the tracker keeps them).
    const next = toCheckpointStats(stats);
    const known = new Map(this.history.map((c) => [c.id, c]));
    for (const c of next) {
      // A completed entry does not change: its details are read once, when it is first seen completed.
      if (c.status === 'completed' && known.get(c.id)?.status === 'completed') continue;
      if (c.status === 'completed') await this.addDetails(c);
      known.set(c.id, c);
    }
    this.history = [...known.values()].sort((a, b) => a.id - b.id).slice(-200);
  }

  /**
   * Per-operator state sizes and the longest alignment of a completed snapshot, from Flink's
   * checkpoint details (the history has neither). Without them the entry goes out as it is.
   */
  private async addDetails(c: CheckpointStats): Promise<void> {
    if (this.nodeVertex === undefined) return;
    const base = `/jobs/${this.flinkJobId}/checkpoints/details/${c.id}`;
    try {
      const details = await this.o.rest.get<FlinkCheckpointDetails>(base);
      c.operators = operatorBytes(this.spec.nodes, this.nodeVertex, details);
      let alignmentMs = 0;
      for (const vertex of Object.keys(details.tasks ?? {})) {
        const task = await this.o.rest.get<FlinkTaskCheckpointDetails>(`${base}/subtasks/${vertex}`);
        alignmentMs = Math.max(alignmentMs, task.summary?.alignment?.duration?.max ?? 0);
      }
      c.alignmentMs = alignmentMs;
    } catch (err) {
      this.warn?.(`could not read the details of Flink checkpoint ${c.id}`, err);
    }
  }

  /** The root exception Flink recorded for a failed job. */
  private async failureOf(state: string): Promise<RiffleErrorInfo> {
    let root = '';
    try {
      const ex = await this.o.rest.get<{ exceptionHistory?: { entries?: Array<{ exceptionName?: string; stacktrace?: string }> } }>(`/jobs/${this.flinkJobId}/exceptions`);
      const e = ex.exceptionHistory?.entries?.[0];
      root = [...(e?.stacktrace ?? '').matchAll(/Caused by: ([^\n]+)/g)].at(-1)?.[1] ?? e?.stacktrace?.split('\n')[0] ?? '';
    } catch {
      // No exception on record: the state alone says it.
    }
    return {
      code: 'flink_job_failed',
      message: `the job ${state === 'SUSPENDED' ? 'was suspended' : 'failed'} on Flink${root ? `: ${root.slice(0, 500)}` : ''}; see Flink's web UI for job ${this.flinkJobId}, fix the cause and submit or restore it`,
      domain: 'external',
      retryable: false,
    };
  }

  private setStatus(status: JobStatus, error?: RiffleErrorInfo): void {
    if (status === this.status && error === undefined) return;
    this.status = status;
    if (error) this.error = error;
    for (const l of this.listeners) l(status, error);
  }

  private end(status: JobStatus, error?: RiffleErrorInfo): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.ending = this.report(TERMINAL_STATUSES.has(status) ? (status as JobResult['status']) : 'failed', error);
  }

  /**
   * Reports the end once the preview has read the rows Flink wrote last (bounded in time), so a
   * finished job's preview is complete when its status says it ended; the run's preview topics
   * are deleted before, so a restore right after creates them afresh.
   */
  private async report(final: JobResult['status'], error?: RiffleErrorInfo): Promise<void> {
    await this.o.previews?.finish().catch((err: unknown) => this.o.warn?.('could not finish the preview of the Flink job', err));
    this.setStatus(final, error);
    void this.o.onRunOver?.(true);
    this.settle({ status: final, ...(error ? { error } : {}) });
  }
}
