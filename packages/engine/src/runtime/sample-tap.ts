import type { SampledRecord } from '@riffle/shared';
import type { Collector, Row } from '../collector.js';

/** Records kept per second per node, over all its subtasks (each gets an equal share). */
export const SAMPLES_PER_SECOND = 20;

/**
 * One subtask's live-preview tap: an extra target of the node's output that keeps at most
 * `perSecond` records a second and drops the rest. It is only installed while someone watches
 * the node, so an untapped node pays nothing per record.
 */
export class SampleTap implements Collector {
  private windowEnd = 0;
  private kept = 0;

  constructor(
    private readonly subtask: number,
    private readonly perSecond: number,
    private readonly keep: (record: SampledRecord) => void,
  ) {}

  collect(value: Row, timestamp: number): void {
    const now = Date.now();
    if (now >= this.windowEnd) {
      this.windowEnd = now + 1000;
      this.kept = 0;
    }
    if (this.kept >= this.perSecond) return;
    this.kept++;
    this.keep({ value, timestamp: Number.isFinite(timestamp) ? timestamp : null, subtask: this.subtask, at: now });
  }

  emitWatermark(): void {}
}

/** Each subtask's share of {@link SAMPLES_PER_SECOND} (at least one record a second). */
export function perSubtaskQuota(parallelism: number): number {
  return Math.max(1, Math.floor(SAMPLES_PER_SECOND / parallelism));
}
