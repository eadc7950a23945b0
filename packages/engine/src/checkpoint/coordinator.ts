import { RiffleError, type CheckpointInfo } from '@riffle/shared';
import type { EngineLogger } from '../api.js';
import type { SnapshotTopology } from './compat.js';
import type { PendingSnapshot, SnapshotStorage } from './snapshot-storage.js';

/**
 * One checkpoint or savepoint as `job.checkpoints()` lists it: the protocol's
 * {@link CheckpointInfo} without what only the server knows (job id, retention on disk).
 */
export type CheckpointStats = Omit<CheckpointInfo, 'jobId' | 'retained'>;

/** What `triggerCheckpoint()` / `triggerSavepoint()` resolve with. */
export interface CompletedSnapshot {
  id: number;
  snapshotId: string;
  kind: 'checkpoint' | 'savepoint';
  bytes: number;
  durationMs: number;
}

/** A task's acknowledgement: its encoded chain state, written as one file. */
export interface TaskAck {
  checkpointId: number;
  chainId: string;
  subtask: number;
  bytes: Uint8Array;
  /** State bytes of each chained operator inside `bytes`. */
  operators?: Array<{ nodeId: string; bytes: number }>;
  alignmentMs: number;
  /** Source tasks: the source's position (its `snapshotState()`), also kept in `_metadata`. */
  sourcePosition?: { nodeId: string; position: unknown };
}

/** The runtime side the coordinator drives (in-process today; worker threads later). */
export interface CheckpointRuntime {
  /** `${chainId}/${subtask}` of every task that must acknowledge. */
  expectedTasks(): string[];
  /** Why no checkpoint can be taken now (e.g. a task finished), or undefined. */
  declineReason(): string | undefined;
  /**
   * Injects barrier `id` at every source subtask. `drain` (stop-with-savepoint): each source stops
   * emitting right after that barrier, until {@link resumeSources} or the job stops.
   */
  triggerSources(id: number, drain?: boolean): void;
  /** Sources parked by a drained snapshot that failed emit again (the job runs on). */
  resumeSources?(): void;
  /**
   * The final checkpoint of a bounded job (FLIP-147): every task has ended and nothing is in
   * flight, so each task snapshots at once, without a barrier.
   */
  triggerFinal?(id: number): void;
  /** Checkpoint `id` is complete: tell every task. */
  notifyComplete(id: number): void;
  /** Fails the job (more consecutive failed checkpoints than tolerated); the restart strategy takes over. */
  failJob?(error: Error): void;
}

/** Coordinator data written into `_metadata.extra`. */
export interface CheckpointExtra {
  /** Source node → position per subtask. */
  sources: Record<string, unknown[]>;
  /** Parallelism of every node when the snapshot was taken. */
  parallelism: Record<string, number>;
  maxParallelism: number;
  /** Hash of the job's topology (node ids and kinds, edges); restore refuses a different one. */
  fingerprint: string;
  /** Node ids and kinds, edges: restore matches operators by id (absent in older snapshots). */
  topology?: SnapshotTopology;
  /** Per node with aggregates: what shapes its state (see compat.ts). */
  stateShapes?: Record<string, string>;
  mode: 'exactly-once' | 'at-least-once';
}

export interface CoordinatorOptions {
  storage: SnapshotStorage;
  runtime: CheckpointRuntime;
  logger: EngineLogger;
  jobId: string;
  /** Completed checkpoints kept (`config.checkpoints.retain`). */
  retain: number;
  timeoutMs: number;
  /**
   * Consecutive failed checkpoints tolerated (`config.checkpoints.tolerableFailures`); one more
   * fails the job. Undefined: never. Savepoints and checkpoints declined because the job is
   * ending do not count.
   */
  tolerableFailures?: number;
  /** Everything in `_metadata.extra` except the source positions. */
  extra: Omit<CheckpointExtra, 'sources'>;
  /** The first checkpoint id (one past the highest one already in the folder). */
  firstId: number;
  /** Task key → file name stem (`task-<chain index>-<subtask>`). */
  fileName(chainId: string, subtask: number): string;
}

/** Receives a copy of a snapshot's stats when it starts, progresses, completes or fails. */
export type CheckpointListener = (stats: CheckpointStats) => void;

/** How {@link CheckpointCoordinator.trigger} takes a snapshot. */
export interface TriggerOptions {
  /** Stop-with-savepoint: sources emit nothing after the barrier (see {@link CheckpointRuntime.triggerSources}). */
  drain?: boolean;
  /**
   * The final checkpoint of a bounded job, once every task ended: taken even though tasks have
   * finished (which declines other checkpoints), superseding one still waiting for barriers that
   * ended sources will never emit. Its failure does not count against `tolerableFailures`.
   */
  final?: boolean;
  /** Starts once the snapshot in progress, if any, has settled, rather than rejecting. */
  afterPending?: boolean;
}

interface Pending {
  id: number;
  final: boolean;
  kind: CheckpointStats['kind'];
  stats: CheckpointStats;
  snapshot: PendingSnapshot | undefined;
  expected: Set<string>;
  /** `_metadata` is being written: past the point of no return, an abort must not claim failure. */
  committing?: Promise<unknown>;
  /** State bytes per node, summed over the acknowledged subtasks. */
  operatorBytes: Map<string, number>;
  writes: Array<Promise<unknown>>;
  sources: Record<string, unknown[]>;
  started: number;
  timer: NodeJS.Timeout | undefined;
  resolve(c: CompletedSnapshot): void;
  reject(e: Error): void;
  done: Promise<CompletedSnapshot>;
}

const MAX_STATS = 100;

/**
 * The checkpoint coordinator (Flink's CheckpointCoordinator), on the main thread: triggers a
 * checkpoint by injecting barrier n at every source subtask, collects the acknowledgements (each
 * one task's state, written as one file), writes `_metadata` last — only then is the checkpoint
 * complete —, prunes to `retain`, and tells the tasks. One snapshot at a time; a failed or
 * timed-out one is aborted (its folder removed) and recorded, and the job keeps running.
 */
export class CheckpointCoordinator {
  private nextId: number;
  private pending: Pending | undefined;
  private readonly history: CheckpointStats[] = [];
  private closed = false;
  /** Clean-ups of aborted snapshots still running; `close` waits for them. */
  private readonly cleanups = new Set<Promise<unknown>>();
  private consecutiveFailures = 0;
  /** Set by the job: told of every change of a snapshot's stats. */
  onUpdate: CheckpointListener | undefined;

  constructor(private readonly o: CoordinatorOptions) {
    this.nextId = o.firstId;
  }

  /** Id of this run's first checkpoint: every checkpoint of the folder numbered lower is older than the run. */
  get firstId(): number {
    return this.o.firstId;
  }

  /** Resolves once no snapshot is in progress. */
  private async idle(): Promise<void> {
    while (this.pending !== undefined) await this.pending.done.catch(() => undefined);
  }

  get inProgress(): boolean {
    return this.pending !== undefined;
  }

  stats(): CheckpointStats[] {
    return this.history.map((s) => ({ ...s }));
  }

  /** Triggers a checkpoint or savepoint; rejects when one is running, the job ended, or it failed. */
  async trigger(kind: CheckpointStats['kind'], options: TriggerOptions = {}): Promise<CompletedSnapshot> {
    const final = options.final === true;
    if (this.closed) throw new Error('the job is not running: no checkpoint can be taken');
    // A checkpoint still running completes (its barriers were emitted before the sources ended)
    // or was declined by a source that ended first; either way it settles before the final one.
    if (final || options.afterPending === true) await this.idle();
    if (this.pending !== undefined) throw new Error(`checkpoint ${this.pending.id} is still in progress`);
    const id = this.nextId++;
    const stats: CheckpointStats = { id, kind, status: 'in_progress', startedAt: Date.now(), bytes: 0, alignmentMs: 0 };
    this.history.push(stats);
    if (this.history.length > MAX_STATS) this.history.shift();
    let resolve!: (c: CompletedSnapshot) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<CompletedSnapshot>((res, rej) => ((resolve = res), (reject = rej)));
    // Rejections are the caller's to observe (returned below); this only keeps a rejection that
    // happens before the caller attached its handler from counting as unhandled.
    done.catch(() => undefined);
    const p: Pending = {
      id,
      final,
      kind,
      stats,
      snapshot: undefined,
      expected: new Set(this.o.runtime.expectedTasks()),
      operatorBytes: new Map(),
      writes: [],
      sources: {},
      started: performance.now(),
      timer: undefined,
      resolve,
      reject,
      done,
    };
    this.pending = p;
    stats.acknowledged = 0;
    stats.total = p.expected.size;
    this.emit(stats);
    const declined = final ? undefined : this.o.runtime.declineReason();
    if (declined !== undefined) {
      await this.abort(p, `declined: ${declined}`, false);
      return done;
    }
    try {
      p.snapshot = await this.o.storage.begin(id, kind);
      stats.snapshotId = p.snapshot.target.id;
    } catch (e) {
      await this.abort(p, `storage: ${message(e)}`);
      return done;
    }
    if (this.pending !== p) return done; // aborted meanwhile (job stopping)
    const late = final ? undefined : this.o.runtime.declineReason();
    if (late !== undefined) {
      await this.abort(p, `declined: ${late}`, false);
      return done;
    }
    p.timer = setTimeout(() => void this.abort(p, `timed out after ${this.o.timeoutMs} ms`), this.o.timeoutMs);
    p.timer.unref();
    if (!final) this.o.runtime.triggerSources(id, options.drain === true);
    else if (this.o.runtime.triggerFinal !== undefined) this.o.runtime.triggerFinal(id);
    else await this.abort(p, 'this runtime takes no final checkpoint', false);
    return done;
  }

  /** A task snapshotted its chain for checkpoint `ack.checkpointId`. Late or unknown acks are dropped. */
  acknowledge(ack: TaskAck): void {
    const p = this.pending;
    if (p === undefined || p.id !== ack.checkpointId || p.snapshot === undefined) return;
    const key = `${ack.chainId}/${ack.subtask}`;
    if (!p.expected.delete(key)) return;
    p.stats.alignmentMs = Math.max(p.stats.alignmentMs, Math.round(ack.alignmentMs * 1000) / 1000);
    if (ack.sourcePosition !== undefined) (p.sources[ack.sourcePosition.nodeId] ??= [])[ack.subtask] = ack.sourcePosition.position;
    for (const o of ack.operators ?? []) p.operatorBytes.set(o.nodeId, (p.operatorBytes.get(o.nodeId) ?? 0) + o.bytes);
    p.stats.acknowledged = (p.stats.acknowledged ?? 0) + 1;
    this.emit(p.stats);
    const owner = { nodeId: ack.chainId, subtask: ack.subtask, ...(ack.operators ? { operators: ack.operators } : {}) };
    const write = p.snapshot.writeFile(this.o.fileName(ack.chainId, ack.subtask), ack.bytes, owner);
    write.catch(() => undefined); // observed by complete(); an aborted snapshot's writes may fail
    p.writes.push(write);
    if (p.expected.size === 0) void this.complete(p);
  }

  /**
   * A task cannot take checkpoint `id`: abort it. `ending`: because its bounded input ended (not
   * counted against `tolerableFailures`).
   */
  decline(id: number, reason: string, ending = false): void {
    const p = this.pending;
    if (p !== undefined && p.id === id) void this.abort(p, `declined: ${reason}`, !ending);
  }

  /** The job is ending: aborts the snapshot in progress; no new ones start. */
  async close(reason: string): Promise<void> {
    this.closed = true;
    if (this.pending !== undefined) await this.abort(this.pending, reason, false);
    await Promise.all(this.cleanups);
  }

  private countFailure(reason: string): void {
    this.consecutiveFailures++;
    const tolerable = this.o.tolerableFailures;
    if (tolerable === undefined || this.consecutiveFailures <= tolerable) return;
    this.o.runtime.failJob?.(
      new RiffleError({
        code: 'checkpoints_failing',
        domain: 'internal',
        retryable: true,
        message: `${this.consecutiveFailures} consecutive checkpoints failed (config.checkpoints.tolerableFailures is ${tolerable}); the last: ${reason}`,
      }),
    );
  }

  private emit(stats: CheckpointStats): void {
    try {
      this.onUpdate?.({ ...stats, ...(stats.operators ? { operators: stats.operators.map((o) => ({ ...o })) } : {}) });
    } catch (e) {
      // A listener's bug must not change the checkpoint's fate.
      this.o.logger.warn('checkpoint listener threw', { jobId: this.o.jobId, error: message(e) });
    }
  }

  private async complete(p: Pending): Promise<void> {
    try {
      await Promise.all(p.writes);
      if (this.pending !== p) return;
      const extra: CheckpointExtra = { ...this.o.extra, sources: p.sources };
      const committing = p.snapshot!.complete(extra as unknown as Record<string, unknown>);
      p.committing = committing;
      const info = await committing;
      if (p.timer !== undefined) clearTimeout(p.timer);
      this.pending = undefined;
      const durationMs = Math.round(performance.now() - p.started);
      const operators = [...p.operatorBytes].map(([nodeId, bytes]) => ({ nodeId, bytes }));
      Object.assign(p.stats, { status: 'completed', durationMs, bytes: info.totalBytes, operators } satisfies Partial<CheckpointStats>);
      if (p.kind === 'checkpoint') this.consecutiveFailures = 0;
      this.emit(p.stats);
      this.o.logger.info(`${p.kind} completed`, { jobId: this.o.jobId, id: info.id, bytes: info.totalBytes, durationMs });
      if (p.kind === 'checkpoint') {
        try {
          await this.o.storage.retain(this.o.retain);
        } catch (e) {
          this.o.logger.warn('pruning old checkpoints failed', { jobId: this.o.jobId, error: message(e) });
        }
      }
      p.resolve({ id: p.id, snapshotId: info.id, kind: p.kind, bytes: info.totalBytes, durationMs });
      // Tasks of a job that is ending may be closed already: they commit on close, or the next run
      // does on restore (Flink drops notifications after a task finished, too).
      if (!this.closed) this.o.runtime.notifyComplete(p.id);
    } catch (e) {
      p.committing = undefined;
      await this.abort(p, `storage: ${message(e)}`);
    }
  }

  private async abort(p: Pending, reason: string, counts = true): Promise<void> {
    if (p.stats.status !== 'in_progress') return;
    if (p.committing !== undefined) {
      // The metadata write decides: complete() records the outcome either way.
      await p.committing.catch(() => undefined);
      return;
    }
    if (p.timer !== undefined) clearTimeout(p.timer);
    if (this.pending === p) this.pending = undefined;
    Object.assign(p.stats, { status: 'failed', error: reason, durationMs: Math.round(performance.now() - p.started) } satisfies Partial<CheckpointStats>);
    this.o.logger.warn(`${p.kind} ${p.id} failed`, { jobId: this.o.jobId, reason });
    this.emit(p.stats);
    p.reject(new Error(`${p.kind} ${p.id} failed: ${reason}`));
    if (counts && !p.final && !this.closed && p.kind === 'checkpoint') this.countFailure(reason);
    // Let writes in flight settle first, so removing the folder does not race with them (a
    // leftover folder has no _metadata: the next start's sweep removes it anyway).
    const cleanup = Promise.allSettled(p.writes).then(() => p.snapshot?.abort().catch(() => undefined));
    this.cleanups.add(cleanup);
    await cleanup;
    this.cleanups.delete(cleanup);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
