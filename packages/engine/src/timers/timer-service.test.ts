import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { Timer } from './timer.js';
import { TimerService } from './timer-service.js';

const fired = (s: TimerService, wm: number) => {
  const out: string[] = [];
  s.advanceWatermark(wm, (t: Timer) => out.push(`${t.timestamp}:${String(t.key)}:${String(t.namespace)}`));
  return out;
};

describe('timer service', () => {
  it('fires event-time timers in timestamp order once the watermark reaches them, deduplicated', () => {
    const s = new TimerService();
    s.registerEventTimeTimer('b', 1, 0, 20);
    s.registerEventTimeTimer('a', 1, 0, 10);
    s.registerEventTimeTimer('a', 1, 0, 10); // duplicate
    s.registerEventTimeTimer('b', 1, 0, 10);
    s.registerEventTimeTimer('a', 1, 5, 10);
    expect(s.pendingTimers).toBe(4);
    expect(fired(s, 9)).toEqual([]);
    expect(fired(s, 10)).toEqual(['10:a:0', '10:a:5', '10:b:0']);
    expect(s.nextEventTime()).toBe(20);
    expect(fired(s, 100)).toEqual(['20:b:0']);
    expect(s.pendingTimers).toBe(0);
  });

  it('deletes timers and fires timers registered while firing in the same pass', () => {
    const s = new TimerService();
    s.registerEventTimeTimer('a', 1, null, 5);
    s.registerEventTimeTimer('a', 1, null, 6);
    s.deleteEventTimeTimer('a', null, 5);
    const out: number[] = [];
    s.advanceWatermark(10, (t) => {
      out.push(t.timestamp);
      if (t.timestamp === 6) s.registerEventTimeTimer('a', 1, null, 8);
    });
    expect(out).toEqual([6, 8]);
    // Re-registering a deleted timer works.
    s.registerEventTimeTimer('a', 1, null, 20);
    s.deleteEventTimeTimer('a', null, 20);
    s.registerEventTimeTimer('a', 1, null, 20);
    expect(fired(s, 20)).toEqual(['20:a:null']);
  });

  it('fires processing-time timers on the clock only', () => {
    const s = new TimerService();
    s.registerProcessingTimeTimer('a', 1, null, 100);
    expect(fired(s, 1e15)).toEqual([]);
    const out: number[] = [];
    s.advanceProcessingTime(99, (t) => out.push(t.timestamp));
    s.advanceProcessingTime(100, (t) => out.push(t.timestamp));
    expect(out).toEqual([100]);
  });

  it('snapshots timers per key group and restores only owned key groups', () => {
    const s = new TimerService();
    s.registerEventTimeTimer('a', 1, 0, 10);
    s.registerEventTimeTimer('b', 2, 0, 11);
    s.registerProcessingTimeTimer('a', 1, 0, 12);
    const snaps = [s.snapshot(1), s.snapshot(2)].map((x) => unpack(pack(x)));
    expect(snaps[0]).toEqual({ keyGroup: 1, eventTime: [[10, 'a', 0]], processingTime: [[12, 'a', 0]] });
    const r = new TimerService();
    r.restore(snaps, (kg) => kg === 2);
    expect(fired(r, 100)).toEqual(['11:b:0']);
  });
});
