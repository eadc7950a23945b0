import { MAX_WATERMARK, MIN_WATERMARK } from '../../collector.js';

interface PartitionState {
  maxTimestamp: number;
  /** Wall-clock time of the last record, or of the start when there was none. */
  lastActive: number;
  /** No more records will come (bounded mode reached its end offset). */
  finished: boolean;
}

/**
 * Watermarks per Kafka partition, combined as Flink's Kafka source does: each partition has its
 * own bounded-out-of-orderness watermark (max timestamp − bound − 1), the subtask emits the
 * minimum over its partitions, so one fast partition cannot make another one's records late.
 *
 * A partition without records for `idleTimeoutMs` stops holding the minimum back (it becomes
 * active again with its next record); without an idle timeout an empty partition holds the
 * watermark, as in Flink. When every partition is idle the watermark stays where it is. A subtask
 * without partitions, or whose partitions all finished, is at +∞.
 */
export class PartitionWatermarks {
  private readonly parts = new Map<number, PartitionState>();

  constructor(
    partitions: readonly number[],
    private readonly boundMs: number,
    private readonly idleTimeoutMs: number | undefined,
    now: number,
  ) {
    for (const p of partitions) this.parts.set(p, { maxTimestamp: MIN_WATERMARK, lastActive: now, finished: false });
  }

  /** Starts tracking a partition found after the start (it holds the watermark back until its first record, or idles). */
  add(partition: number, now: number): void {
    this.parts.set(partition, { maxTimestamp: MIN_WATERMARK, lastActive: now, finished: false });
  }

  onRecord(partition: number, timestamp: number, now: number): void {
    const s = this.parts.get(partition)!;
    if (timestamp > s.maxTimestamp) s.maxTimestamp = timestamp;
    s.lastActive = now;
  }

  finish(partition: number): void {
    this.parts.get(partition)!.finished = true;
  }

  /** The combined watermark, or undefined while every unfinished partition is idle. */
  current(now: number): number | undefined {
    let min = MAX_WATERMARK;
    let active = 0;
    let unfinished = 0;
    for (const s of this.parts.values()) {
      if (s.finished) continue;
      unfinished++;
      if (this.idleTimeoutMs !== undefined && now - s.lastActive >= this.idleTimeoutMs) continue;
      active++;
      const wm = s.maxTimestamp === MIN_WATERMARK ? MIN_WATERMARK : s.maxTimestamp - this.boundMs - 1;
      if (wm < min) min = wm;
    }
    if (unfinished === 0) return MAX_WATERMARK;
    return active === 0 ? undefined : min;
  }
}
