import { END_OF_INPUT, SourceOperator, type OperatorContext, type StateDescriptor } from '../operator.js';

/**
 * A generator source whose record i is a pure function of i (datagen, Nexmark). Subtask k of n
 * emits the records i ≡ k (mod n), so the union over subtasks is the same sequence at any
 * parallelism, and a subtask's position is one number (plus, after a rescale, a few indices to
 * skip).
 */
export abstract class SequenceSource extends SourceOperator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'next-sequence', kind: 'value', keyed: false }];
  private next: number;
  /**
   * After a rescale: indices of this subtask's residue class, at or after `next`, that the old
   * subtasks already emitted (ascending); `skipAt` is the first one not passed yet.
   */
  private skip: number[] = [];
  private skipAt = 0;
  private readonly step: number;

  /**
   * @param end one past the last index over all subtasks (Infinity: unbounded)
   * @param totalRatePerSec the wall-clock rate over all subtasks, or undefined for unlimited
   */
  constructor(
    private readonly end: number,
    totalRatePerSec: number | undefined,
    ctx: OperatorContext,
  ) {
    super();
    this.next = ctx.subtaskIndex;
    this.step = ctx.parallelism;
    this.ratePerSec = totalRatePerSec === undefined ? undefined : totalRatePerSec / ctx.parallelism;
  }

  /** Index of the record being emitted, -1 between records (for the errors of chained operators). */
  private emitting = -1;

  override currentPosition(): string | undefined {
    return this.emitting < 0 ? undefined : `generated record ${this.emitting} (index in the whole sequence)`;
  }

  /** Emits record `i` through the collector. */
  protected abstract emit(i: number): void;

  pollNext(max: number): number {
    if (this.next >= this.end) return END_OF_INPUT;
    let n = 0;
    while (n < max && this.next < this.end) {
      this.emitting = this.next;
      try {
        this.emit(this.next);
      } finally {
        this.emitting = -1;
      }
      this.next += this.step;
      n++;
      while (this.skipAt < this.skip.length && this.skip[this.skipAt] === this.next) {
        this.skipAt++;
        this.next += this.step;
      }
    }
    return n;
  }

  /** The position: the next index of this subtask's class, and the already emitted ones after it. */
  override snapshotState(): SequencePosition {
    const skip = this.skip.slice(this.skipAt);
    return skip.length > 0 ? { next: this.next, skip } : { next: this.next };
  }

  override restoreState(snapshot: unknown): void {
    const s = snapshot as SequencePosition;
    this.next = s.next;
    this.skip = s.skip ?? [];
    this.skipAt = 0;
  }

  /**
   * Another parallelism: record i was emitted iff old subtask `i mod oldP` had passed it. This
   * subtask (class k mod n) starts at its first index not emitted, and skips the emitted ones
   * after it (there are few: old subtasks run at about the same rate).
   */
  override restoreRescaled(snapshots: unknown[], oldParallelism: number): void {
    const old = snapshots.map((s, i) => (s as SequencePosition | undefined) ?? { next: i });
    const oldSkips = old.map((o) => new Set(o.skip ?? []));
    const emitted = (i: number): boolean => {
      const o = i % oldParallelism;
      return i < old[o]!.next || oldSkips[o]!.has(i);
    };
    const lo = Math.min(...old.map((o) => o.next));
    const hi = Math.max(...old.map((o) => Math.max(o.next, ...(o.skip ?? []).map((x) => x + 1))));
    const k = this.ctx.subtaskIndex;
    let i = lo <= k ? k : k + Math.ceil((lo - k) / this.step) * this.step;
    while (i < hi && emitted(i)) i += this.step;
    this.next = i;
    const skip: number[] = [];
    for (let j = i + this.step; j < hi; j += this.step) if (emitted(j)) skip.push(j);
    this.skip = skip;
    this.skipAt = 0;
  }
}

/** A sequence source subtask's checkpointed position. */
export interface SequencePosition {
  next: number;
  skip?: number[];
}
