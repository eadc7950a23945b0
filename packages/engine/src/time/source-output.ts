import { ExpressionEvaluationError } from '@riffle/shared';
import { MAX_WATERMARK, type Collector, type Row } from '../collector.js';
import type { Accessor } from '../field-accessor.js';
import type { WatermarkGenerator } from './watermark-generator.js';
import { IDLE_WATERMARK } from './watermark-status.js';

/** How a source subtask emits its watermarks. */
export interface WatermarkEmission {
  /**
   * Emit every `intervalMs` of processing time (Flink's periodic emission); 0 emits right after
   * each record that advances the watermark, which makes lateness a function of the input order
   * alone (exact golden tests, replays).
   */
  intervalMs: number;
  /** Mark the subtask idle after this long without records (undefined: never). */
  idleTimeoutMs?: number | undefined;
}

/**
 * Sits between a source and the rest of its chain (Flink's TimestampsAndWatermarksOperator):
 * assigns each record its event timestamp, feeds the watermark generator and emits watermarks
 * in-band, periodically or right after the record that advanced them. With an idle timeout, a
 * subtask that saw no records for that long (processing time) sends {@link IDLE_WATERMARK} so
 * downstream tasks stop waiting for it; its next record makes it active again.
 */
export class SourceOutput implements Collector {
  /** Ingestion time of the current batch, used when the source has no `timestamp` param. */
  batchTime = Date.now();
  private lastEmitted = -Infinity;
  private lastPeriodic = -Infinity;
  private lastRecordAt: number | undefined;
  private idle = false;
  private readonly emission: WatermarkEmission;
  private sourceTimed = false;

  constructor(
    private readonly next: Collector,
    private readonly timestamp: Accessor | undefined,
    private readonly watermarks: WatermarkGenerator,
    /** A record whose timestamp cannot be read: the source's `onError` policy (dead-letter by default). */
    private readonly badTimestamp: (record: unknown, error: unknown) => void,
    emission: WatermarkEmission = { intervalMs: 0 },
  ) {
    this.emission = emission;
  }

  /**
   * Called by a source that assigns timestamps and watermarks itself (Kafka: per partition, or
   * the record timestamp): records then keep the timestamp the source passes, and only the
   * source's watermarks are forwarded.
   */
  useSourceTime(): void {
    this.sourceTimed = true;
  }

  collect(value: Row, timestamp?: number): void {
    if (this.sourceTimed) {
      this.next.collect(value, timestamp!);
      return;
    }
    let ts: number;
    if (this.timestamp === undefined) ts = this.batchTime;
    else {
      let raw: unknown;
      try {
        raw = this.timestamp(value);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        this.badTimestamp(value, new Error(`timestamp: ${e.message}`));
        return;
      }
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        this.badTimestamp(value, new Error(`timestamp is ${raw === undefined ? 'missing' : JSON.stringify(raw)}, expected epoch milliseconds`));
        return;
      }
      ts = raw;
    }
    this.lastRecordAt = undefined; // measured from the next processing-time tick
    this.watermarks.onEvent(ts);
    this.next.collect(value, ts);
    if (this.idle) {
      // Active again: a real watermark tells the downstream valves (Flink's WatermarkStatus.ACTIVE).
      this.idle = false;
      if (this.lastEmitted > -Infinity) this.next.emitWatermark(this.lastEmitted);
    }
    if (this.emission.intervalMs === 0) this.emitIfAdvanced();
  }

  /** Periodic emission and idleness detection, driven by the task's processing-time tick. */
  onProcessingTime(now: number): void {
    // A source that keeps its own time (Kafka, per partition) also decides its own idleness.
    if (this.sourceTimed) return;
    if (this.emission.intervalMs > 0 && now - this.lastPeriodic >= this.emission.intervalMs) {
      this.lastPeriodic = now;
      if (!this.idle) this.emitIfAdvanced();
    }
    const timeout = this.emission.idleTimeoutMs;
    if (timeout === undefined || this.idle || this.lastEmitted === MAX_WATERMARK) return;
    if (this.lastRecordAt === undefined) this.lastRecordAt = now;
    else if (now - this.lastRecordAt >= timeout) {
      this.idle = true;
      this.next.emitWatermark(IDLE_WATERMARK);
    }
  }

  private emitIfAdvanced(): void {
    const wm = this.watermarks.current();
    if (wm > this.lastEmitted) {
      this.lastEmitted = wm;
      this.next.emitWatermark(wm);
    }
  }

  emitWatermark(watermark: number): void {
    if (watermark <= this.lastEmitted) return;
    this.lastEmitted = watermark;
    this.next.emitWatermark(watermark);
  }

  /** End of a bounded source: everything is complete. */
  emitFinalWatermark(): void {
    this.emitWatermark(MAX_WATERMARK);
  }
}
