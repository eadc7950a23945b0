import type { DatagenParams } from '@riffle/shared';
import { clickEvent } from '../datagen/clickstream.js';
import { END_OF_INPUT, SourceOperator, type OperatorContext, type StateDescriptor } from '../operator.js';

/**
 * Generates the clickstream. Subtask k of n emits the records i ≡ k (mod n), so the union over
 * subtasks is the same sequence at any parallelism, and a subtask's position is one number.
 */
export class DatagenSource extends SourceOperator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'next-sequence', kind: 'value', keyed: false }];
  private next: number;
  private readonly step: number;
  private readonly end: number;

  constructor(
    private readonly params: DatagenParams,
    ctx: OperatorContext,
  ) {
    super();
    this.next = ctx.subtaskIndex;
    this.step = ctx.parallelism;
    this.end = params.count ?? Infinity;
    this.ratePerSec = params.ratePerSec / ctx.parallelism;
  }

  pollNext(max: number): number {
    if (this.next >= this.end) return END_OF_INPUT;
    const { seed, ratePerSec, startTime } = this.params;
    let n = 0;
    while (n < max && this.next < this.end) {
      this.out.collect(clickEvent(seed, this.next, ratePerSec, startTime) as unknown as Record<string, unknown>, NaN);
      this.next += this.step;
      n++;
    }
    return n;
  }

  override snapshotState(): unknown {
    return { next: this.next };
  }

  override restoreState(snapshot: unknown): void {
    this.next = (snapshot as { next: number }).next;
  }
}
