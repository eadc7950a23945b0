import { parseDuration, type DedupeParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import type { ValueStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { restoreKeyed, snapshotKeyed, type KeyedOperatorSnapshot } from '../state/keyed-snapshot.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { ValueState } from '../state/state-handles.js';
import type { Timer } from '../timers/timer.js';
import { TimerService } from '../timers/timer-service.js';

/**
 * `dedupe {within}`: emits the first record of a key and drops records of the same key less than
 * `within` apart from it (event time; either direction, so a slightly out-of-order duplicate is
 * caught too). A record at or beyond `within` is emitted and starts a new interval. The key's
 * state is cleared by a timer once the watermark passes the interval (processing time: the clock).
 */
export class DedupeOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly within: number;
  protected override readonly backend: KeyedStateBackend;
  private readonly firstSeen: ValueState<number>;
  private readonly timers = new TimerService();
  private readonly processingTime: boolean;

  constructor(params: DedupeParams, ctx: OperatorContext) {
    super();
    this.within = parseDuration(params.within)!;
    this.processingTime = ctx.time === 'processing';
    this.backend = keyedBackendFor(ctx);
    const d: ValueStateDescriptor = { name: 'first-seen', kind: 'value', keyed: true };
    this.firstSeen = this.backend.valueState<number>(d);
    this.stateDescriptors = [d];
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.processingTime ? Date.now() : timestamp;
    this.backend.setCurrentKey(this.ctx.keyed ? key : null);
    const seen = this.firstSeen.value();
    if (seen !== undefined && Math.abs(t - seen) < this.within) return;
    this.firstSeen.update(t);
    const expiry = t + this.within;
    const b = this.backend;
    if (this.processingTime) this.timers.registerProcessingTimeTimer(b.currentKey, b.currentKeyGroup, null, expiry);
    else this.timers.registerEventTimeTimer(b.currentKey, b.currentKeyGroup, null, expiry);
    this.out.collect(value, timestamp);
  }

  private readonly onTimer = (t: Timer): void => {
    this.backend.setCurrentKeyAndGroup(t.key, t.keyGroup);
    // Only if no later record restarted the interval (its own timer clears it).
    if (this.firstSeen.value() === t.timestamp - this.within) this.firstSeen.clear();
  };

  override processWatermark(watermark: number): void {
    if (!this.processingTime) this.timers.advanceWatermark(watermark, this.onTimer);
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
