import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import type { Collector } from '../collector.js';
import { TumblingWindowOperator } from '../operators/window-tumbling.js';
import { WatermarkValve } from '../runtime/watermark-valve.js';
import { SourceOutput, type WatermarkEmission } from './source-output.js';
import { BoundedOutOfOrdernessWatermarks, MonotonousWatermarks } from './watermark-generator.js';
import { IDLE_WATERMARK } from './watermark-status.js';

const ts = (r: Record<string, unknown>) => r.ts;

/**
 * Two source subtasks (parallelism 2) feeding one window task through its watermark valve, as
 * the hash exchange would: subtask 1 gets no data. Processing time is driven by hand.
 */
function twoSources(emission: WatermarkEmission) {
  const window = harness((ctx) => new TumblingWindowOperator({ size: '10s', aggregate: [{ fn: 'count', as: 'n' }] }, ctx), { keyed: true });
  const valve = new WatermarkValve(2);
  const channel = (i: number): Collector => ({
    collect: (v, t) => window.op.processElement(v, t, v.user),
    emitWatermark: (wm) => {
      const combined = valve.update(i, wm);
      if (combined !== undefined) window.op.processWatermark(combined);
    },
  });
  const sources = [0, 1].map((i) => new SourceOutput(channel(i), ts, new BoundedOutOfOrdernessWatermarks(0), () => {}, emission));
  return { window, sources, tick: (now: number) => sources.forEach((s) => s.onProcessingTime(now)) };
}

describe('source idleness', () => {
  it('an idle source subtask stops holding back the watermark, so windows fire', () => {
    const { window, sources, tick } = twoSources({ intervalMs: 200, idleTimeoutMs: 1_000 });
    sources[0]!.collect({ user: 'a', ts: 1_000 });
    sources[0]!.collect({ user: 'a', ts: 12_000 });
    tick(0);
    tick(200);
    expect(window.records).toEqual([]); // subtask 1 has no watermark yet: the valve waits
    sources[0]!.collect({ user: 'a', ts: 12_500 }); // subtask 0 stays active
    tick(1_200); // subtask 1 saw no record for 1 s: idle
    expect(window.values()).toEqual([{ key: 'a', window_start: 0, window_end: 10_000, n: 1 }]);
    expect(window.watermarks).toEqual([12_499]);
  });

  it('without an idle timeout the empty subtask stalls the windows (as in Flink)', () => {
    const { window, sources, tick } = twoSources({ intervalMs: 200 });
    sources[0]!.collect({ user: 'a', ts: 1_000 });
    sources[0]!.collect({ user: 'a', ts: 12_000 });
    for (let now = 0; now <= 10_000; now += 200) tick(now);
    expect(window.records).toEqual([]);
  });

  it('emits periodically: nothing between ticks, the latest watermark on a tick', () => {
    const out: number[] = [];
    const s = new SourceOutput({ collect() {}, emitWatermark: (w) => void out.push(w) }, ts, new MonotonousWatermarks(), () => {}, { intervalMs: 500 });
    s.collect({ ts: 10 });
    s.collect({ ts: 20 });
    expect(out).toEqual([]);
    s.onProcessingTime(1_000);
    s.onProcessingTime(1_200); // within the interval
    s.collect({ ts: 30 });
    s.onProcessingTime(1_300);
    s.onProcessingTime(1_500);
    expect(out).toEqual([19, 29]);
  });
});

describe('watermark valve with idle channels', () => {
  it('leaves idle channels out of the minimum and realigns them when they catch up', () => {
    const v = new WatermarkValve(2);
    expect(v.update(0, 100)).toBeUndefined();
    expect(v.update(1, IDLE_WATERMARK)).toBe(100);
    expect(v.update(0, 200)).toBe(200);
    expect(v.update(1, 150)).toBeUndefined(); // active again but behind: not counted yet
    expect(v.update(0, 300)).toBe(300);
    expect(v.update(1, 250)).toBeUndefined(); // still behind 300
    expect(v.update(1, 400)).toBeUndefined(); // aligned; min is now channel 0's 300 (no change)
    expect(v.update(0, 500)).toBe(400);
  });

  it('passes the idle marker on when every channel is idle', () => {
    const v = new WatermarkValve(2);
    expect(v.update(0, IDLE_WATERMARK)).toBeUndefined();
    expect(v.update(1, IDLE_WATERMARK)).toBe(IDLE_WATERMARK);
    expect(v.update(1, IDLE_WATERMARK)).toBeUndefined();
    expect(v.takeIdleMarker()).toBe(false);
  });

  it('applies the highest watermark of a channel that went idle behind a silent one, then the idle marker', () => {
    // Channel 0 reached 100 while channel 1 never sent anything; channel 0 goes idle first.
    const v = new WatermarkValve(2);
    expect(v.update(0, 100)).toBeUndefined();
    expect(v.update(0, IDLE_WATERMARK)).toBeUndefined();
    expect(v.update(1, IDLE_WATERMARK)).toBe(100);
    expect(v.takeIdleMarker()).toBe(true);
    expect(v.takeIdleMarker()).toBe(false);
    expect(v.update(1, 50)).toBeUndefined(); // back, behind 100: waits to catch up
    expect(v.update(1, 120)).toBe(120);
  });
});
