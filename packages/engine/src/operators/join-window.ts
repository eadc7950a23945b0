import { parseDuration, type WindowJoinParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext, StateDescriptor } from '../operator.js';
import type { ListStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { restoreKeyed, snapshotKeyed, type KeyedOperatorSnapshot } from '../state/keyed-snapshot.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { ListState } from '../state/state-handles.js';
import type { Timer } from '../timers/timer.js';
import { TimerService } from '../timers/timer-service.js';
import { alignedStart } from '../windows/pane-windows.js';
import { TwoInputOperator } from './two-input.js';

/**
 * `join.window {size}` (Flink's `join(...).window(TumblingEventTimeWindows)`): the left and right
 * records of the same key in the same tumbling window (aligned to the epoch) are paired — every
 * left with every right — when the watermark passes the window's end; an inner join, so a window
 * with one side empty emits nothing. Output `{key, window_start, window_end, left, right}` with
 * timestamp end − 1. A record whose window already fired is late: counted and dead-lettered.
 */
export class WindowJoinOperator extends TwoInputOperator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly size: number;
  protected override readonly backend: KeyedStateBackend;
  private readonly sides: [ListState<Row>, ListState<Row>];
  private readonly timers = new TimerService();

  constructor(params: WindowJoinParams, ctx: OperatorContext) {
    super();
    this.size = parseDuration(params.size)!;
    this.backend = keyedBackendFor(ctx);
    const d: ListStateDescriptor[] = [
      { name: 'left-window', kind: 'list', keyed: true },
      { name: 'right-window', kind: 'list', keyed: true },
    ];
    this.sides = [this.backend.listState(d[0]!), this.backend.listState(d[1]!)];
    this.stateDescriptors = d;
  }

  processLeft(value: Row, timestamp: number, key: unknown): void {
    this.add(0, value, timestamp, key);
  }

  processRight(value: Row, timestamp: number, key: unknown): void {
    this.add(1, value, timestamp, key);
  }

  private add(side: number, value: Row, t: number, key: unknown): void {
    const start = alignedStart(t, this.size);
    const maxTs = start + this.size - 1;
    if (maxTs <= this.timers.currentWatermark) {
      this.ctx.counters.lateRecordsDropped++;
      this.ctx.deadLetter(value, 'late record: its join window had already fired');
      return;
    }
    this.backend.setCurrentKey(key);
    this.sides[side]!.setNamespace(start).add(value);
    this.timers.registerEventTimeTimer(key, this.backend.currentKeyGroup, start, maxTs);
  }

  private readonly onTimer = (timer: Timer): void => {
    this.backend.setCurrentKeyAndGroup(timer.key, timer.keyGroup);
    const start = timer.namespace as number;
    const [left, right] = this.sides.map((s) => s.setNamespace(start)) as [ListState<Row>, ListState<Row>];
    for (const l of left.get()) for (const r of right.get()) this.out.collect({ key: timer.key, window_start: start, window_end: start + this.size, left: l, right: r }, timer.timestamp);
    left.clear();
    right.clear();
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
