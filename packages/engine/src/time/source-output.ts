import { ExpressionEvaluationError } from '@riffle/shared';
import { MAX_WATERMARK, type Collector, type Row } from '../collector.js';
import type { Accessor } from '../field-accessor.js';
import type { BoundedOutOfOrdernessWatermarks } from './watermark-generator.js';

/**
 * Sits between a source and the rest of its chain (Flink's TimestampsAndWatermarksOperator):
 * assigns each record its event timestamp, feeds the watermark generator and emits a watermark
 * in-band right after the record that advanced it.
 *
 * Emitting on advance (rather than only every 200 ms) makes lateness a function of the input
 * order alone, independent of batch sizes and timing, which is what makes golden tests exact.
 * It stays cheap because out-of-order streams advance their maximum timestamp only now and then.
 */
export class SourceOutput implements Collector {
  /** Ingestion time of the current batch, used when the source has no `timestamp` param. */
  batchTime = Date.now();
  private lastEmitted = -Infinity;
  private sourceTimed = false;

  constructor(
    private readonly next: Collector,
    private readonly timestamp: Accessor | undefined,
    private readonly watermarks: BoundedOutOfOrdernessWatermarks,
    private readonly deadLetter: (record: unknown, error: unknown) => void,
  ) {}

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
        this.deadLetter(value, new Error(`timestamp: ${e.message}`));
        return;
      }
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        this.deadLetter(value, new Error(`timestamp is ${raw === undefined ? 'missing' : JSON.stringify(raw)}, expected epoch milliseconds`));
        return;
      }
      ts = raw;
    }
    this.watermarks.onEvent(ts);
    this.next.collect(value, ts);
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
