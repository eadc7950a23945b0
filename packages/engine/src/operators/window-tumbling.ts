import { ExpressionEvaluationError, parseDuration, type TumblingParams } from '@riffle/shared';
import { MAX_WATERMARK, type Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { Aggregates, type Accumulator } from '../windows/aggregates.js';
import { compareKeys } from '../windows/key-order.js';
import { tumblingWindowStart } from '../windows/tumbling-assigner.js';

/**
 * Tumbling windows per key, aggregated incrementally (one accumulator per window and key).
 *
 * Event time (Flink semantics): a window [start, end) fires when the watermark reaches end − 1,
 * its state is then cleared, and a record whose window has already fired is late: dropped and
 * counted. Processing time: records go to the window of the wall clock and windows fire on the
 * clock. Either way the final watermark of a bounded input flushes every window. Fired windows
 * are emitted ordered by window end, then key; each result carries timestamp end − 1.
 */
export class TumblingWindowOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'window-accumulators', kind: 'aggregating', keyed: true }];
  private readonly size: number;
  private readonly aggregates: Aggregates;
  private readonly values: unknown[];
  private readonly processingTime: boolean;
  /** window start → key → accumulator. */
  private readonly windows = new Map<number, Map<unknown, Accumulator>>();
  /** The smallest `end − 1` among pending windows: firing is a single comparison until then. */
  private nextFire = Infinity;
  private watermark = -Infinity;

  constructor(params: TumblingParams, ctx: OperatorContext) {
    super();
    this.size = parseDuration(params.size)!;
    this.aggregates = new Aggregates(params.aggregate, ctx.inputSchema);
    this.values = new Array<unknown>(params.aggregate.length);
    this.processingTime = ctx.time === 'processing';
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.processingTime ? Date.now() : timestamp;
    const start = tumblingWindowStart(t, this.size);
    const maxTimestamp = start + this.size - 1;
    if (maxTimestamp <= this.watermark) {
      this.ctx.counters.lateRecordsDropped++;
      return;
    }
    if (!this.readInputs(value)) return;
    let byKey = this.windows.get(start);
    if (byKey === undefined) {
      byKey = new Map();
      this.windows.set(start, byKey);
      if (maxTimestamp < this.nextFire) this.nextFire = maxTimestamp;
    }
    const k = this.ctx.keyed ? key : null;
    let acc = byKey.get(k);
    if (acc === undefined) {
      acc = this.aggregates.create();
      byKey.set(k, acc);
    }
    this.aggregates.add(acc, this.values);
  }

  override processWatermark(watermark: number): void {
    if (!this.processingTime) {
      this.watermark = watermark;
      if (watermark >= this.nextFire) this.fire(watermark);
    } else if (watermark === MAX_WATERMARK) this.fire(MAX_WATERMARK);
    this.out.emitWatermark(watermark);
  }

  override onProcessingTime(now: number): void {
    if (this.processingTime && now - 1 >= this.nextFire) this.fire(now - 1);
  }

  /** Evaluates the aggregate inputs into `this.values`; false (record dead-lettered) on a bad value. */
  private readInputs(value: Row): boolean {
    const inputs = this.aggregates.inputs;
    for (let j = 0; j < inputs.length; j++) {
      const read = inputs[j];
      if (read === undefined) continue;
      let v: unknown;
      try {
        v = read(value);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        this.ctx.deadLetter(value, e);
        return false;
      }
      if (v !== undefined && v !== null && typeof v !== 'number') {
        this.ctx.deadLetter(value, new Error(`aggregate "${this.aggregates.names[j]}": value ${JSON.stringify(v)} is not a number`));
        return false;
      }
      this.values[j] = v;
    }
    return true;
  }

  /** Emits and clears every window whose max timestamp is at or before `limit`. */
  private fire(limit: number): void {
    const due: number[] = [];
    for (const start of this.windows.keys()) if (start + this.size - 1 <= limit) due.push(start);
    due.sort((a, b) => a - b);
    for (const start of due) {
      const byKey = this.windows.get(start)!;
      this.windows.delete(start);
      const keys = [...byKey.keys()].sort(compareKeys);
      const end = start + this.size;
      for (const key of keys) {
        const row: Row = { key, window_start: start, window_end: end };
        this.aggregates.writeResults(byKey.get(key)!, row);
        this.out.collect(row, end - 1);
      }
    }
    this.nextFire = Infinity;
    for (const start of this.windows.keys()) this.nextFire = Math.min(this.nextFire, start + this.size - 1);
  }

  override snapshotState(): unknown {
    return [...this.windows].map(([start, byKey]) => [start, [...byKey].map(([k, acc]) => [k, Array.from(acc)])]);
  }
}
