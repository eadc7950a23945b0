import { parseDuration, type OverParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';
import type { MapStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { restoreKeyed, snapshotKeyed, type KeyedOperatorSnapshot } from '../state/keyed-snapshot.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { MapState } from '../state/state-handles.js';
import type { Timer } from '../timers/timer.js';
import { TimerService } from '../timers/timer-service.js';
import { WindowAggregate, type WindowInput } from '../windows/window-aggregate.js';
import { copyRow } from './copy-row.js';

/**
 * `over {range, aggregate}`: SQL's `OVER (PARTITION BY key ORDER BY time RANGE BETWEEN range
 * PRECEDING AND CURRENT ROW)`, as Flink's RowTimeRangeBoundedPrecedingFunction. Records are
 * buffered per key by timestamp until the watermark passes them, so they are processed in
 * event-time order whatever the arrival order; each is emitted with the aggregates over its key's
 * records in [t − range, t] (records with the same timestamp are peers: they see each other).
 * Records older than the watermark are late: counted and dead-lettered. Rows that no later
 * record can need are evicted as time advances.
 */
export class OverOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly range: number;
  private readonly agg: WindowAggregate;
  private readonly onError: ExpressionErrorPolicy;
  protected override readonly backend: KeyedStateBackend;
  private readonly rows: MapState<number, Row[]>;
  private readonly timers = new TimerService();
  private readonly processingTime: boolean;
  private readonly input: WindowInput;

  constructor(params: WithErrorPolicy<OverParams>, ctx: OperatorContext) {
    super();
    this.range = parseDuration(params.range)!;
    this.agg = new WindowAggregate(params.aggregate, ctx.inputSchema);
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
    this.input = { values: this.agg.values, record: {}, timestamp: 0 };
    this.processingTime = ctx.time === 'processing';
    this.backend = keyedBackendFor(ctx);
    const d: MapStateDescriptor = { name: 'rows-by-time', kind: 'map', keyed: true };
    this.rows = this.backend.mapState<number, Row[]>(d);
    this.stateDescriptors = [d];
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.processingTime ? Date.now() : timestamp;
    if (!this.processingTime && t <= this.timers.currentWatermark) {
      this.ctx.counters.lateRecordsDropped++;
      this.ctx.deadLetter(value, 'late record: the watermark already passed its timestamp');
      return;
    }
    const bad = this.agg.readInputs(value);
    if (bad !== undefined) {
      this.onError.handle(value, bad.error, bad.expression);
      return;
    }
    this.backend.setCurrentKey(this.ctx.keyed ? key : null);
    const same = this.rows.get(t);
    if (same !== undefined) same.push(value);
    this.rows.put(t, same ?? [value]);
    const b = this.backend;
    if (this.processingTime) this.timers.registerProcessingTimeTimer(b.currentKey, b.currentKeyGroup, null, t);
    else this.timers.registerEventTimeTimer(b.currentKey, b.currentKeyGroup, null, t);
  }

  private readonly onTimer = (timer: Timer): void => {
    this.backend.setCurrentKeyAndGroup(timer.key, timer.keyGroup);
    const t = timer.timestamp;
    const from = t - this.range;
    const acc = this.agg.createAccumulator();
    const peers = this.rows.get(t) ?? [];
    for (const [ts, rows] of this.rows.entries()) {
      if (ts < from) {
        this.rows.remove(ts); // no later record reaches back this far
        continue;
      }
      if (ts > t) continue;
      for (const row of rows) {
        this.agg.readInputs(row); // checked on arrival
        this.input.record = row;
        this.input.timestamp = ts;
        this.agg.add(acc, this.input);
      }
    }
    for (const row of peers) {
      const out: Row = copyRow(row);
      this.agg.writeResults(acc, out);
      this.out.collect(out, t);
    }
  };

  override processWatermark(watermark: number): void {
    if (!this.processingTime) this.timers.advanceWatermark(watermark, this.onTimer);
    else if (watermark === Infinity) this.timers.advanceProcessingTime(Infinity, this.onTimer);
    this.out.emitWatermark(watermark);
  }

  override onProcessingTime(now: number): void {
    if (this.processingTime) this.timers.advanceProcessingTime(now, this.onTimer);
  }

  override snapshotState(): KeyedOperatorSnapshot | Promise<KeyedOperatorSnapshot> {
    return snapshotKeyed(this.backend, this.timers);
  }

  override restoreState(snapshot: unknown): void {
    restoreKeyed(this.backend, this.timers, snapshot);
  }
}
