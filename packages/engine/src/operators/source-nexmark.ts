import type { NexmarkParams } from '@riffle/shared';
import { NexmarkGenerator } from '../nexmark/generator.js';
import type { OperatorContext } from '../operator.js';
import type { WithErrorPolicy } from './error-policy.js';
import { SequenceSource } from './sequence-source.js';

/**
 * The Nexmark stream: event i comes from {@link NexmarkGenerator} and subtask k of n emits the
 * events i ≡ k (mod n), so the stream is the same at any parallelism and restores like datagen.
 */
export class NexmarkSource extends SequenceSource {
  private readonly gen: NexmarkGenerator;

  constructor(params: WithErrorPolicy<NexmarkParams>, ctx: OperatorContext) {
    super(params.maxEvents ?? Infinity, params.ratePerSec, ctx);
    this.gen = new NexmarkGenerator({ seed: params.seed, eventsPerSec: params.eventsPerSec, baseTime: params.baseTime });
  }

  protected emit(i: number): void {
    this.out.collect(this.gen.event(i) as unknown as Record<string, unknown>, NaN);
  }
}
