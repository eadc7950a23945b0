import { parseDuration, type IntervalJoinParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext, StateDescriptor } from '../operator.js';
import type { MapStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { restoreKeyed, snapshotKeyed, type KeyedOperatorSnapshot } from '../state/keyed-snapshot.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { MapState } from '../state/state-handles.js';
import type { Timer } from '../timers/timer.js';
import { TimerService } from '../timers/timer-service.js';
import { TwoInputOperator } from './two-input.js';

const LEFT = 0;
const RIGHT = 1;

/**
 * `join.interval {before, after}` (Flink's IntervalJoinOperator, lowerBound = −before, upperBound =
 * after): a left record at t joins every right record of the same key with timestamp in
 * [t − before, t + after], whichever arrives first. Each side is buffered per key by timestamp
 * and dropped by a timer once no record of the other side can match it any more (left at t:
 * watermark ≥ t + after; right at t: watermark ≥ t + before). Output `{key, left, right}` with
 * timestamp max(left, right). Records behind the watermark are late: counted and dead-lettered.
 */
export class IntervalJoinOperator extends TwoInputOperator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly before: number;
  private readonly after: number;
  protected override readonly backend: KeyedStateBackend;
  private readonly buffers: [MapState<number, Row[]>, MapState<number, Row[]>];
  private readonly timers = new TimerService();

  constructor(params: IntervalJoinParams, ctx: OperatorContext) {
    super();
    this.before = parseDuration(params.before) ?? 0;
    this.after = parseDuration(params.after) ?? 0;
    this.backend = keyedBackendFor(ctx);
    const d: MapStateDescriptor[] = [
      { name: 'left-buffer', kind: 'map', keyed: true },
      { name: 'right-buffer', kind: 'map', keyed: true },
    ];
    this.buffers = [this.backend.mapState(d[0]!), this.backend.mapState(d[1]!)];
    this.stateDescriptors = d;
  }

  processLeft(value: Row, timestamp: number, key: unknown): void {
    this.process(LEFT, value, timestamp, key);
  }

  processRight(value: Row, timestamp: number, key: unknown): void {
    this.process(RIGHT, value, timestamp, key);
  }

  private process(side: number, value: Row, t: number, key: unknown): void {
    if (t < this.timers.currentWatermark) {
      this.ctx.counters.lateRecordsDropped++;
      this.ctx.deadLetter(value, 'late record: the watermark already passed its timestamp');
      return;
    }
    this.backend.setCurrentKey(key);
    const own = this.buffers[side]!;
    const rows = own.get(t);
    if (rows !== undefined) rows.push(value);
    own.put(t, rows ?? [value]);
    // The other side's timestamps that match: for a left record [t − before, t + after], for a right one [t − after, t + before].
    const lo = side === LEFT ? t - this.before : t - this.after;
    const hi = side === LEFT ? t + this.after : t + this.before;
    for (const [ts, others] of this.buffers[1 - side]!.entries()) {
      if (ts < lo || ts > hi) continue;
      for (const other of others) {
        const out: Row = side === LEFT ? { key, left: value, right: other } : { key, left: other, right: value };
        this.out.collect(out, Math.max(t, ts));
      }
    }
    const cleanup = t + (side === LEFT ? this.after : this.before);
    this.timers.registerEventTimeTimer(key, this.backend.currentKeyGroup, side, cleanup);
  }

  private readonly onTimer = (timer: Timer): void => {
    this.backend.setCurrentKeyAndGroup(timer.key, timer.keyGroup);
    const side = timer.namespace as number;
    this.buffers[side]!.remove(timer.timestamp - (side === LEFT ? this.after : this.before));
  };

  override processWatermark(watermark: number): void {
    this.timers.advanceWatermark(watermark, this.onTimer);
    this.out.emitWatermark(watermark);
  }

  override snapshotState(): KeyedOperatorSnapshot | Promise<KeyedOperatorSnapshot> {
    return snapshotKeyed(this.backend, this.timers);
  }

  override restoreState(snapshot: unknown): void {
    restoreKeyed(this.backend, this.timers, snapshot);
  }
}
