import type { DatagenParams } from '@riffle/shared';
import { ClickstreamGenerator, nominalMs } from '../datagen/clickstream.js';
import type { OperatorContext } from '../operator.js';
import { SequenceSource, type SequencePosition } from './sequence-source.js';

/**
 * Event time of the first record when the spec gives none. Fixed, so that tests and embedders get
 * the same output on every run and after every restore; the server and the CLI give jobs their
 * start time instead (`withEventTimeOrigin`).
 */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);

/** Keys of the `sequence` profile when the spec gives none. */
export const DEFAULT_SEQUENCE_KEYS = 1000;

/**
 * Generates the clickstream (record i is `clickEvent(seed, i, …)`) or, with the `sequence`
 * profile, per-key sequence numbers: record i is `{key: i mod keys, seq: ⌊i / keys⌋, ts}` with `ts`
 * following the rate, in order (see {@link SequenceSource} for how subtasks share the indices).
 */
export class DatagenSource extends SequenceSource {
  private readonly gen: ClickstreamGenerator | undefined;
  private readonly keys: number;

  constructor(
    private readonly params: DatagenParams,
    ctx: OperatorContext,
  ) {
    super(params.count ?? Infinity, params.ratePerSec, ctx);
    this.gen = params.profile === 'sequence' ? undefined : new ClickstreamGenerator(params.seed);
    this.keys = params.keys ?? DEFAULT_SEQUENCE_KEYS;
  }

  protected emit(i: number): void {
    const { ratePerSec, startTime = DEFAULT_START_TIME } = this.params;
    if (this.gen !== undefined) {
      this.out.collect(this.gen.event(i, ratePerSec, startTime) as unknown as Record<string, unknown>, NaN);
      return;
    }
    const keys = this.keys;
    this.out.collect({ key: i % keys, seq: Math.floor(i / keys), ts: startTime + nominalMs(i, ratePerSec) }, NaN);
  }
}

/** A datagen subtask's checkpointed position. */
export type DatagenPosition = SequencePosition;
