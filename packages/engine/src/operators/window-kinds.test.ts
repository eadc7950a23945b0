import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import type { Collector } from '../collector.js';
import { MAX_WATERMARK } from '../collector.js';
import { GlobalWindowOperator } from './window-global.js';
import { SessionWindowOperator } from './window-session.js';
import { SlidingWindowOperator } from './window-sliding.js';
import { TumblingWindowOperator } from './window-tumbling.js';

const COUNT = [{ fn: 'count' as const, as: 'n' }];
const SUM = [{ fn: 'count' as const, as: 'n' }, { fn: 'sum' as const, field: 'v', as: 's' }];

describe('sliding window', () => {
  it('puts each record in size/slide windows, hand-computed', () => {
    const h = harness((ctx) => new SlidingWindowOperator({ size: '10s', slide: '5s', aggregate: SUM }, ctx), { keyed: true });
    h.op.processElement({ v: 1 }, 1_000, 'a'); // windows [-5,5) [0,10)
    h.op.processElement({ v: 2 }, 6_000, 'a'); // [0,10) [5,15)
    h.op.processElement({ v: 4 }, 12_000, 'a'); // [5,15) [10,20)
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([
      { key: 'a', window_start: -5_000, window_end: 5_000, n: 1, s: 1 },
      { key: 'a', window_start: 0, window_end: 10_000, n: 2, s: 3 },
      { key: 'a', window_start: 5_000, window_end: 15_000, n: 2, s: 6 },
      { key: 'a', window_start: 10_000, window_end: 20_000, n: 1, s: 4 },
    ]);
    expect(h.records.map((r) => r.timestamp)).toEqual([4_999, 9_999, 14_999, 19_999]);
  });

  it('works when slide does not divide size (panes of gcd)', () => {
    const h = harness((ctx) => new SlidingWindowOperator({ size: '3s', slide: '2s', aggregate: COUNT }, ctx), { keyed: true });
    for (const t of [0, 1_000, 2_000, 3_000, 4_500]) h.op.processElement({}, t, 'k');
    h.op.processWatermark(MAX_WATERMARK);
    // windows start every 2 s: [-2,1) [0,3) [2,5) [4,7)
    expect(h.values().map((r) => [r.window_start, r.n])).toEqual([
      [-2_000, 1],
      [0, 3],
      [2_000, 3],
      [4_000, 1],
    ]);
  });
});

describe('session window', () => {
  it('merges sessions; a record exactly at the session end joins it (Flink)', () => {
    const h = harness((ctx) => new SessionWindowOperator({ gap: '5s', aggregate: SUM }, ctx), { keyed: true });
    h.op.processElement({ v: 1 }, 0, 'a'); // [0, 5000)
    h.op.processElement({ v: 2 }, 5_000, 'a'); // at the end: joins → [0, 10000)
    h.op.processElement({ v: 4 }, 20_000, 'a'); // new session [20000, 25000)
    h.op.processElement({ v: 8 }, 14_000, 'a'); // [14000, 19000): separate
    h.op.processElement({ v: 16 }, 12_000, 'b');
    h.op.processElement({ v: 32 }, 16_500, 'a'); // bridges [14000,19000) and [20000,25000)... 16500+5000=21500 ≥ 20000
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([
      { key: 'a', window_start: 0, window_end: 10_000, n: 2, s: 3 },
      { key: 'b', window_start: 12_000, window_end: 17_000, n: 1, s: 16 },
      { key: 'a', window_start: 14_000, window_end: 25_000, n: 3, s: 44 },
    ]);
  });

  it('fires when the watermark passes the session end', () => {
    const h = harness((ctx) => new SessionWindowOperator({ gap: '1s', aggregate: COUNT }, ctx), { keyed: true });
    h.op.processElement({}, 0, 'a');
    h.op.processWatermark(998);
    expect(h.records).toEqual([]);
    h.op.processWatermark(999);
    expect(h.values()).toEqual([{ key: 'a', window_start: 0, window_end: 1_000, n: 1 }]);
  });
});

describe('global count window', () => {
  it('fires every count records per key and drops the remainder at the end (Flink)', () => {
    const h = harness((ctx) => new GlobalWindowOperator({ trigger: { count: 2 }, aggregate: SUM }, ctx), { keyed: true });
    [1, 2, 3].forEach((v, i) => h.op.processElement({ v }, i, 'a'));
    h.op.processElement({ v: 10 }, 5, 'b');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'a', n: 2, s: 3 }]);
    expect(h.records[0]!.timestamp).toBe(1);
  });
});

describe('aggregates', () => {
  it('computes first, last (by timestamp), count_distinct, top_n, avg, min, max', () => {
    const aggregate = [
      { fn: 'first' as const, field: 'u', as: 'first_u' },
      { fn: 'last' as const, field: 'u', as: 'last_u' },
      { fn: 'count_distinct' as const, field: 'u', as: 'users' },
      { fn: 'top_n' as const, field: 'v', n: 2, as: 'top' },
      { fn: 'avg' as const, field: 'v', as: 'avg' },
      { fn: 'min' as const, field: 'v', as: 'lo' },
      { fn: 'max' as const, field: 'v', as: 'hi' },
    ];
    const h = harness((ctx) => new TumblingWindowOperator({ size: '10s', aggregate }, ctx), { keyed: true });
    h.op.processElement({ u: 'y', v: 5 }, 3_000, 'k');
    h.op.processElement({ u: 'x', v: 1 }, 1_000, 'k');
    h.op.processElement({ u: 'y', v: 9 }, 2_000, 'k');
    h.op.processElement({ u: 'z', v: null }, 4_000, 'k');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([
      {
        key: 'k',
        window_start: 0,
        window_end: 10_000,
        first_u: 'x',
        last_u: 'z',
        users: 3,
        top: [
          { u: 'y', v: 9 },
          { u: 'y', v: 5 },
        ],
        avg: 5,
        lo: 1,
        hi: 9,
      },
    ]);
  });

  it('filters outputs with having', () => {
    const h = harness((ctx) => new TumblingWindowOperator({ size: '10s', aggregate: COUNT, having: 'n >= 2' }, ctx), { keyed: true });
    h.op.processElement({}, 1, 'a');
    h.op.processElement({}, 2, 'b');
    h.op.processElement({}, 3, 'b');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'b', window_start: 0, window_end: 10_000, n: 2 }]);
  });
});

describe('allowed lateness and late records', () => {
  const late: Array<{ value: unknown; timestamp: number }> = [];
  const lateOut: Collector = { collect: (value, timestamp) => void late.push({ value, timestamp }), emitWatermark() {} };

  it('re-fires the full updated window for records within the allowed lateness, then sends later ones to the late port', () => {
    late.length = 0;
    const h = harness((ctx) => new TumblingWindowOperator({ size: '10s', aggregate: SUM, allowedLateness: '5s' }, ctx), { keyed: true, sideOutputs: { late: lateOut } });
    h.op.processElement({ v: 1 }, 1_000, 'a');
    h.op.processWatermark(10_000); // fires [0,10)
    h.op.processElement({ v: 2 }, 2_000, 'a'); // late but within 5 s: fires again, updated
    h.op.processWatermark(14_998);
    h.op.processElement({ v: 4 }, 3_000, 'a'); // still within (cleanup at 9999 + 5000 = 14999)
    h.op.processWatermark(14_999); // state cleared
    h.op.processElement({ v: 8 }, 4_000, 'a'); // beyond: late port
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([
      { key: 'a', window_start: 0, window_end: 10_000, n: 1, s: 1 },
      { key: 'a', window_start: 0, window_end: 10_000, n: 2, s: 3 },
      { key: 'a', window_start: 0, window_end: 10_000, n: 3, s: 7 },
    ]);
    expect(late).toEqual([{ value: { v: 8 }, timestamp: 4_000 }]);
    expect(h.counters.lateRecordsDropped).toBe(1);
    expect(h.counters.deadLettered).toBe(0);
  });

  it('dead-letters late records when no late edge exists', () => {
    const h = harness((ctx) => new SessionWindowOperator({ gap: '1s', aggregate: COUNT }, ctx), { keyed: true });
    h.op.processWatermark(5_000);
    h.op.processElement({ v: 1 }, 100, 'a');
    expect(h.counters).toMatchObject({ lateRecordsDropped: 1, deadLettered: 1 });
    expect(h.deadLetters[0]!.error).toMatch(/late record/);
  });

  it('sliding: late firings update every window still within the lateness', () => {
    const h = harness((ctx) => new SlidingWindowOperator({ size: '10s', slide: '5s', aggregate: COUNT, allowedLateness: '3s' }, ctx), { keyed: true });
    h.op.processElement({}, 6_000, 'a');
    h.op.processWatermark(11_000); // [0,10) fired; [5,15) pending
    h.op.processElement({}, 7_000, 'a');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values().map((r) => [r.window_start, r.n])).toEqual([
      [0, 1],
      [0, 2],
      [5_000, 2],
    ]);
  });
});

describe('window state snapshots', () => {
  it('restores windows and timers per key group through msgpackr, also split over two subtasks', () => {
    const make = (sub = 0, par = 1) =>
      harness((ctx) => new SessionWindowOperator({ gap: '5s', aggregate: [...SUM, { fn: 'count_distinct', field: 'v', as: 'd' }] }, ctx), { keyed: true, subtaskIndex: sub, parallelism: par });
    const keys = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const a = make();
    keys.forEach((k, i) => a.op.processElement({ v: i }, 1_000 * i, k));
    a.op.processWatermark(2_000);
    const snap = unpack(pack(a.op.snapshotState()));
    a.op.processWatermark(MAX_WATERMARK);
    const expected = a.values();

    const subs = [make(0, 2), make(1, 2)];
    for (const s of subs) {
      s.op.restoreState(snap);
      s.op.processWatermark(2_000);
    }
    // The restored timers (and state) fire the same windows, split over the subtasks.
    const restored = subs.flatMap((s) => {
      s.op.processWatermark(MAX_WATERMARK);
      return s.values();
    });
    expect(restored.length).toBe(expected.length);
    expect(new Set(restored.map((r) => JSON.stringify(r)))).toEqual(new Set(expected.map((r) => JSON.stringify(r))));
    expect(subs[0]!.values().length).toBeGreaterThan(0);
    expect(subs[1]!.values().length).toBeGreaterThan(0);
  });
});

describe('processing time', () => {
  it('every window kind uses the wall clock and fires on the clock, never on event-time watermarks', () => {
    const ops = [
      harness((ctx) => new SlidingWindowOperator({ size: '100ms', slide: '50ms', aggregate: COUNT }, ctx), { keyed: true, time: 'processing' }),
      harness((ctx) => new SessionWindowOperator({ gap: '100ms', aggregate: COUNT }, ctx), { keyed: true, time: 'processing' }),
    ];
    const before = Date.now();
    for (const h of ops) {
      h.op.processElement({}, 0, 'a');
      h.op.processWatermark(1e15);
      expect(h.records).toEqual([]);
      h.op.onProcessingTime(before + 10_000);
      expect(h.values().length).toBeGreaterThan(0);
      expect(h.values()[0]!.window_start as number).toBeGreaterThanOrEqual(before - 100);
    }
  });

  it('the final watermark of a bounded input flushes pending processing-time windows', () => {
    const h = harness((ctx) => new SessionWindowOperator({ gap: '1h', aggregate: COUNT }, ctx), { keyed: true, time: 'processing' });
    h.op.processElement({}, 0, 'a');
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toHaveLength(1);
  });
});

describe('pane window snapshots', () => {
  it('a sliding window restored at parallelism 2 fires exactly what it would have fired', () => {
    const params = { size: '6s', slide: '2s', aggregate: [...SUM, { fn: 'count_distinct' as const, field: 'v', as: 'd' }], allowedLateness: '1s' };
    const a = harness((ctx) => new SlidingWindowOperator(params, ctx), { keyed: true });
    for (let i = 0; i < 60; i++) a.op.processElement({ v: i % 7 }, 500 * i, `k${i % 9}`);
    a.op.processWatermark(15_000);
    const snap = unpack(pack(a.op.snapshotState()));
    const firedBeforeSnapshot = a.records.length;
    a.op.processElement({ v: 100 }, 14_000, 'k1'); // within the lateness: late firings
    a.op.processWatermark(MAX_WATERMARK);
    const expected = a.values().slice(firedBeforeSnapshot).map((r) => JSON.stringify(r)).sort();

    const subs = [0, 1].map((i) => harness((ctx) => new SlidingWindowOperator(params, ctx), { keyed: true, subtaskIndex: i, parallelism: 2 }));
    for (const s of subs) s.op.restoreState(snap);
    // k1 belongs to one subtask; the other rejects it (outside its key groups).
    const owners = subs.filter((s) => {
      try {
        s.op.processElement({ v: 100 }, 14_000, 'k1');
        return true;
      } catch {
        return false;
      }
    });
    expect(owners).toHaveLength(1);
    for (const s of subs) s.op.processWatermark(MAX_WATERMARK);
    expect(subs.flatMap((s) => s.values()).map((r) => JSON.stringify(r)).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(9);
  });
});
