import type { DatagenParams } from '@riffle/shared';
import { ClickstreamGenerator } from '../datagen/clickstream.js';
import type { OperatorContext } from '../operator.js';
import { SequenceSource, type SequencePosition } from './sequence-source.js';

/**
 * Event time of the first record when the spec gives none. Fixed, so that tests and embedders get
 * the same output on every run and after every restore; the server and the CLI give jobs their
 * start time instead (`withEventTimeOrigin`).
 */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);

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
    const { ratePerSec, startTime = DEFAULT_START_TIME } = this.params;
    this.out.collect(this.gen.event(i, ratePerSec, startTime) as unknown as Record<string, unknown>, NaN);
  }
}

/** A datagen subtask's checkpointed position. */
export type DatagenPosition = SequencePosition;
