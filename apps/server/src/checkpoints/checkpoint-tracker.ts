import type { CheckpointStats, JobHandle } from '@riffle/engine';
import type { CheckpointInfo } from '@riffle/shared';

export type CheckpointEventKind = 'started' | 'completed' | 'failed';

/** How often the run's checkpoint list is read while the engine has no listener for it. */
const POLL_MS = 100;
/** Entries of earlier runs kept in memory. */
const MAX_PAST = 200;

type Listenable = JobHandle & { onCheckpoint?(listener: (s: CheckpointStats) => void): () => void };

/**
 * Follows one job's checkpoints across its runs and turns them into `checkpoint:*` events: the
 * engine's own listener when it has one, else by reading `job.checkpoints()` every 100 ms and
 * diffing. `started` is sent again when the progress of one in progress changes; clients
 * replace entries by `id`.
 */
export class CheckpointTracker {
  /** Entries of the current run by checkpoint id, and of earlier runs (newest last). */
  private current = new Map<number, CheckpointInfo>();
  private past: CheckpointInfo[] = [];
  private stop: (() => void) | undefined;
  /** The engine reports checkpoints itself: no reading of its list needed. */
  private listening = false;

  constructor(
    private readonly jobId: string,
    private readonly emit: (kind: CheckpointEventKind, info: CheckpointInfo) => void,
  ) {}

  /** Starts following a new run (the previous one's entries move to the history). */
  attach(handle: JobHandle): void {
    this.detach();
    const h = handle as Listenable;
    if (typeof h.onCheckpoint === 'function') {
      this.listening = true;
      this.stop = h.onCheckpoint((s) => this.update(s));
      return;
    }
    this.listening = false;
    if (typeof h.checkpoints !== 'function') return;
    const timer = setInterval(() => this.poll(h), POLL_MS);
    timer.unref();
    this.stop = () => {
      clearInterval(timer);
      this.poll(h);
    };
  }

  /** Puts entries of runs before a server restart (oldest first) ahead of everything in memory. */
  seed(entries: CheckpointInfo[]): void {
    this.past.unshift(...entries.map((e) => ({ ...e })));
    if (this.past.length > MAX_PAST) this.past.splice(0, this.past.length - MAX_PAST);
  }

  /** Highest checkpoint id seen in any run (0 when none). */
  highestId(): number {
    return Math.max(0, ...this.past.map((e) => e.id), ...this.current.keys());
  }

  /** Stops following the current run (a last read first), keeping its entries. */
  detach(): void {
    this.stop?.();
    this.stop = undefined;
    this.past.push(...[...this.current.values()].sort((a, b) => a.id - b.id));
    if (this.past.length > MAX_PAST) this.past.splice(0, this.past.length - MAX_PAST);
    this.current = new Map();
  }

  /** Checkpoint `id` of the current run, if known. */
  get(id: number): CheckpointInfo | undefined {
    return this.current.get(id);
  }

  /** Every entry known in memory, newest first (`retained` as last seen; the caller merges disk). */
  entries(): CheckpointInfo[] {
    return [...this.past, ...[...this.current.values()].sort((a, b) => a.id - b.id)].reverse().map((c) => ({ ...c }));
  }

  /** Reads the run's list now (also used right after a manual trigger). */
  poll(handle: JobHandle): void {
    if (this.listening) return;
    for (const s of handle.checkpoints?.() ?? []) this.update(s);
  }

  private update(s: CheckpointStats): void {
    const prev = this.current.get(s.id);
    const next: CheckpointInfo = { ...s, jobId: this.jobId, retained: s.status === 'completed' };
    if (prev !== undefined && sameProgress(prev, next)) return;
    this.current.set(s.id, next);
    if (s.status === 'in_progress') this.emit('started', { ...next });
    else if (prev === undefined || prev.status === 'in_progress') this.emit(s.status, { ...next });
  }
}

function sameProgress(a: CheckpointInfo, b: CheckpointInfo): boolean {
  return a.status === b.status && a.acknowledged === b.acknowledged && a.snapshotId === b.snapshotId;
}
