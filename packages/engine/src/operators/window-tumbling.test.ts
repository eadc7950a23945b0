import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import { MAX_WATERMARK } from '../collector.js';
import { TumblingWindowOperator } from './window-tumbling.js';

const params = { size: '10s', aggregate: [{ fn: 'count' as const, as: 'n' }, { fn: 'min' as const, field: 'v', as: 'lo' }] };

describe('tumbling window', () => {
  it('fires when the watermark reaches end − 1, in window-end then key order, and clears state', () => {
    const h = harness((ctx) => new TumblingWindowOperator(params, ctx), { keyed: true });
    h.op.processElement({ v: 3 }, 10_500, 'b');
    h.op.processElement({ v: 4 }, 9_999, 'b');
    h.op.processElement({ v: 1 }, 0, 'a');
    h.op.processElement({ v: 9 }, 15_000, 'a');
    h.op.processWatermark(9_998);
    expect(h.records).toEqual([]);
    h.op.processWatermark(9_999);
    expect(h.values()).toEqual([
      { key: 'a', window_start: 0, window_end: 10_000, n: 1, lo: 1 },
      { key: 'b', window_start: 0, window_end: 10_000, n: 1, lo: 4 },
    ]);
    expect(h.records[0]!.timestamp).toBe(9_999);
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values().slice(2)).toEqual([
      { key: 'a', window_start: 10_000, window_end: 20_000, n: 1, lo: 9 },
      { key: 'b', window_start: 10_000, window_end: 20_000, n: 1, lo: 3 },
    ]);
    // Watermarks are forwarded after the windows they fire.
    expect(h.watermarks).toEqual([9_998, 9_999, MAX_WATERMARK]);
  });

  it('drops and counts records whose window already fired', () => {
    const h = harness((ctx) => new TumblingWindowOperator(params, ctx), { keyed: true });
    h.op.processWatermark(10_000);
    h.op.processElement({ v: 1 }, 9_000, 'a');
    h.op.processElement({ v: 1 }, 19_999, 'a');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.counters.lateRecordsDropped).toBe(1);
    expect(h.values()).toEqual([{ key: 'a', window_start: 10_000, window_end: 20_000, n: 1, lo: 1 }]);
  });

  it('is a single global window per interval without keyBy, ignoring null values', () => {
    const h = harness((ctx) => new TumblingWindowOperator(params, ctx), { keyed: false });
    h.op.processElement({ v: 5 }, 1, undefined);
    h.op.processElement({ v: null }, 2, undefined);
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: null, window_start: 0, window_end: 10_000, n: 2, lo: 5 }]);
  });

  it('dead-letters a record whose aggregated field is not a number', () => {
    const h = harness((ctx) => new TumblingWindowOperator(params, ctx), { keyed: true });
    h.op.processElement({ v: 'x' }, 1, 'a');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.records).toEqual([]);
    expect(h.counters.deadLettered).toBe(1);
  });

  it('uses the wall clock in processing-time mode and fires on the clock', () => {
    const h = harness((ctx) => new TumblingWindowOperator({ size: '100ms', aggregate: [{ fn: 'count', as: 'n' }] }, ctx), { keyed: true, time: 'processing' });
    const before = Date.now();
    h.op.processElement({}, 0, 'a');
    h.op.processWatermark(1e15); // event-time watermarks do not fire processing-time windows
    expect(h.records).toEqual([]);
    h.op.onProcessingTime(before + 250);
    expect(h.values()).toHaveLength(1);
    expect(h.values()[0]!.window_start as number).toBeGreaterThanOrEqual(before - 100);
  });
});
