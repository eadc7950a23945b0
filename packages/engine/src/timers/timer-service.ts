import { MIN_WATERMARK } from '../collector.js';
import type { Namespace } from '../state/state-table.js';
import type { Timer } from './timer.js';
import { TimerQueue } from './timer-queue.js';

/** Timers of one key group, msgpackr-encodable: `[timestamp, key, namespace]` rows. */
export interface TimersSnapshot {
  keyGroup: number;
  eventTime: Array<[number, unknown, Namespace]>;
  processingTime: Array<[number, unknown, Namespace]>;
}

/**
 * Event-time and processing-time timers of one keyed operator subtask (Flink's
 * InternalTimerService). Timers are per key and namespace and deduplicated; an event-time timer
 * fires once the watermark reaches its timestamp, a processing-time timer once the clock does,
 * in timestamp order (ties: key, then namespace). A timer registered while firing, at or before
 * the current time, fires in the same pass.
 */
export class TimerService {
  private readonly eventTime = new TimerQueue();
  private readonly processingTime = new TimerQueue();
  private watermark = MIN_WATERMARK;

  get currentWatermark(): number {
    return this.watermark;
  }

  registerEventTimeTimer(key: unknown, keyGroup: number, namespace: Namespace, timestamp: number): void {
    this.eventTime.add(timestamp, key, keyGroup, namespace);
  }

  deleteEventTimeTimer(key: unknown, namespace: Namespace, timestamp: number): void {
    this.eventTime.delete(timestamp, key, namespace);
  }

  registerProcessingTimeTimer(key: unknown, keyGroup: number, namespace: Namespace, timestamp: number): void {
    this.processingTime.add(timestamp, key, keyGroup, namespace);
  }

  deleteProcessingTimeTimer(key: unknown, namespace: Namespace, timestamp: number): void {
    this.processingTime.delete(timestamp, key, namespace);
  }

  /** Sets the watermark and fires every event-time timer at or before it. */
  advanceWatermark(watermark: number, onTimer: (t: Timer) => void): void {
    if (watermark > this.watermark) this.watermark = watermark;
    for (let t = this.eventTime.pollUntil(watermark); t !== undefined; t = this.eventTime.pollUntil(watermark)) onTimer(t);
  }

  /** Fires every processing-time timer at or before `now`. */
  advanceProcessingTime(now: number, onTimer: (t: Timer) => void): void {
    for (let t = this.processingTime.pollUntil(now); t !== undefined; t = this.processingTime.pollUntil(now)) onTimer(t);
  }

  /** Earliest pending event-time timer (+∞ when none): lets callers skip work cheaply. */
  nextEventTime(): number {
    return this.eventTime.peekTimestamp();
  }

  get pendingTimers(): number {
    return this.eventTime.size + this.processingTime.size;
  }

  snapshot(keyGroup: number): TimersSnapshot {
    const rows = (q: TimerQueue) =>
      [...q.all()].filter((t) => t.keyGroup === keyGroup).map((t): [number, unknown, Namespace] => [t.timestamp, t.key, t.namespace]);
    return { keyGroup, eventTime: rows(this.eventTime), processingTime: rows(this.processingTime) };
  }

  /** Restores timers of the key groups in `owns` (others belong to another subtask after a rescale). */
  restore(snapshots: Iterable<TimersSnapshot>, owns: (keyGroup: number) => boolean): void {
    for (const s of snapshots) {
      if (!owns(s.keyGroup)) continue;
      for (const [ts, key, ns] of s.eventTime) this.eventTime.add(ts, key, s.keyGroup, ns);
      for (const [ts, key, ns] of s.processingTime) this.processingTime.add(ts, key, s.keyGroup, ns);
    }
  }
}
