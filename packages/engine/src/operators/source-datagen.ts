import type { DatagenParams } from '@riffle/shared';
import { clickEvent } from '../datagen/clickstream.js';
import type { OperatorContext } from '../operator.js';
import { SequenceSource, type SequencePosition } from './sequence-source.js';

/** Generates the clickstream: record i is `clickEvent(seed, i, …)` (see {@link SequenceSource}). */
export class DatagenSource extends SequenceSource {
  constructor(
    private readonly params: DatagenParams,
    ctx: OperatorContext,
  ) {
    super(params.count ?? Infinity, params.ratePerSec, ctx);
  }

  protected emit(i: number): void {
    const { seed, ratePerSec, startTime } = this.params;
    this.out.collect(clickEvent(seed, i, ratePerSec, startTime) as unknown as Record<string, unknown>, NaN);
  }
}

/** A datagen subtask's checkpointed position. */
export type DatagenPosition = SequencePosition;
