import type { DatagenParams } from '@riffle/shared';
import { ClickstreamGenerator } from '../datagen/clickstream.js';
import type { OperatorContext } from '../operator.js';
import { SequenceSource, type SequencePosition } from './sequence-source.js';

/** Generates the clickstream: record i is `clickEvent(seed, i, …)` (see {@link SequenceSource}). */
export class DatagenSource extends SequenceSource {
  private readonly gen: ClickstreamGenerator;

  constructor(
    private readonly params: DatagenParams,
    ctx: OperatorContext,
  ) {
    super(params.count ?? Infinity, params.ratePerSec, ctx);
    this.gen = new ClickstreamGenerator(params.seed);
  }

  protected emit(i: number): void {
    const { ratePerSec, startTime } = this.params;
    this.out.collect(this.gen.event(i, ratePerSec, startTime) as unknown as Record<string, unknown>, NaN);
  }
}

/** A datagen subtask's checkpointed position. */
export type DatagenPosition = SequencePosition;
