import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import { MAX_WATERMARK } from '../collector.js';
import { DedupeOperator } from './dedupe.js';
import { OverOperator } from './over.js';
import { ReduceOperator } from './reduce.js';

describe('reduce (rolling aggregate per key)', () => {
  it('with upsertKey, a record replaces the earlier one of its upsert key: count, sum, avg retract', () => {
    const h = harness((ctx) => new ReduceOperator({ aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'v', as: 's' }, { fn: 'avg', field: 'v', as: 'avg' }], upsertKey: 'id' }, ctx), { keyed: true });
    h.op.processElement({ id: 1, v: 10 }, 1, 'c');
    h.op.processElement({ id: 2, v: 20 }, 2, 'c');
    h.op.processElement({ id: 1, v: 40 }, 3, 'c'); // replaces id 1's 10
    h.op.processElement({ id: 1, v: 40 }, 4, 'd'); // another key: its own rows
    expect(h.values()).toEqual([
      { key: 'c', n: 1, s: 10, avg: 10 },
      { key: 'c', n: 2, s: 30, avg: 15 },
      { key: 'c', n: 2, s: 60, avg: 30 },
      { key: 'd', n: 1, s: 40, avg: 40 },
    ]);
  });

  it('with upsertKey, min and max are recomputed from the latest rows when one is replaced, also after a restore', async () => {
    const make = () => harness((ctx) => new ReduceOperator({ aggregate: [{ fn: 'max', field: 'v', as: 'hi' }, { fn: 'min', field: 'v', as: 'lo' }], upsertKey: 'id' }, ctx), { keyed: true });
    const a = make();
    a.op.processElement({ id: 1, v: 50 }, 1, 'k');
    a.op.processElement({ id: 2, v: 30 }, 2, 'k');
    a.op.processElement({ id: 1, v: 10 }, 3, 'k'); // the old max goes: max is now id 2's 30
    expect(a.values().at(-1)).toEqual({ key: 'k', hi: 30, lo: 10 });
    const b = make();
    b.op.restoreState(structuredClone(await a.op.snapshotState()));
    b.op.processElement({ id: 1, v: 20 }, 4, 'k'); // replaces 10, which was the min
    expect(b.values()).toEqual([{ key: 'k', hi: 30, lo: 20 }]);
  });

  it('with upsertKey, a record without a value for it is dead-lettered', () => {
    const h = harness((ctx) => new ReduceOperator({ aggregate: [{ fn: 'count', as: 'n' }], upsertKey: 'id' }, ctx), { keyed: true });
    h.op.processElement({ v: 1 }, 1, 'k');
    expect(h.values()).toEqual([]);
    expect(h.deadLetters.map((d) => d.error)).toEqual(['upsertKey: the record has no value for it']);
  });

  it('emits the updated aggregate for every record', () => {
    const h = harness((ctx) => new ReduceOperator({ aggregate: [{ fn: 'sum', field: 'v', as: 's' }, { fn: 'max', field: 'v', as: 'hi' }] }, ctx), { keyed: true });
    h.op.processElement({ v: 2 }, 10, 'a');
    h.op.processElement({ v: 5 }, 11, 'b');
    h.op.processElement({ v: 1 }, 12, 'a');
    expect(h.values()).toEqual([
      { key: 'a', s: 2, hi: 2 },
      { key: 'b', s: 5, hi: 5 },
      { key: 'a', s: 3, hi: 2 },
    ]);
    expect(h.records.map((r) => r.timestamp)).toEqual([10, 11, 12]);
  });

  it('forgets a key after its TTL (expired on read, purged on the tick)', () => {
    let now = 0;
    const h = harness((ctx) => new ReduceOperator({ aggregate: [{ fn: 'count', as: 'n' }], ttl: '1s' }, ctx, () => now), { keyed: true });
    h.op.processElement({}, 0, 'a');
    h.op.processElement({}, 0, 'b');
    now = 999;
    h.op.processElement({}, 0, 'a'); // refreshes a
    now = 1_500;
    h.op.processElement({}, 0, 'b'); // b expired at 1000: starts over
    h.op.processElement({}, 0, 'a'); // a written at 999: still alive
    expect(h.values().map((r) => [r.key, r.n])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 1],
      ['a', 3],
    ]);
    now = 10_000;
    h.op.onProcessingTime(now);
    expect(h.op.snapshotState()).toEqual([]);
  });
});

describe('dedupe', () => {
  it('keeps the first record per key and drops the key again within the interval, either direction', () => {
    const h = harness((ctx) => new DedupeOperator({ within: '10s' }, ctx), { keyed: true });
    h.op.processElement({ id: 1 }, 5_000, 'a');
    h.op.processElement({ id: 2 }, 14_999, 'a'); // duplicate
    h.op.processElement({ id: 3 }, 1_000, 'a'); // out of order, within 10 s: duplicate
    h.op.processElement({ id: 4 }, 6_000, 'b');
    h.op.processElement({ id: 5 }, 15_000, 'a'); // 10 s later: new
    expect(h.values()).toEqual([{ id: 1 }, { id: 4 }, { id: 5 }]);
  });

  it('clears a key once the watermark passes its interval', () => {
    const h = harness((ctx) => new DedupeOperator({ within: '10s' }, ctx), { keyed: true });
    h.op.processElement({ id: 1 }, 0, 'a');
    h.op.processWatermark(10_000);
    expect(h.op.stateDescriptors).toHaveLength(1);
    h.op.processElement({ id: 2 }, 9_999, 'a'); // state cleared: emitted (a record this late is the source's problem)
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('over (range preceding)', () => {
  it('aggregates each record over its key’s preceding range, in event-time order, peers included', () => {
    const h = harness((ctx) => new OverOperator({ range: '10s', aggregate: [{ fn: 'sum', field: 'v', as: 's' }, { fn: 'count', as: 'n' }] }, ctx), { keyed: true });
    h.op.processElement({ v: 4 }, 12_000, 'a');
    h.op.processElement({ v: 1 }, 1_000, 'a'); // out of order: processed first
    h.op.processElement({ v: 2 }, 12_000, 'a'); // peer of the first
    h.op.processElement({ v: 8 }, 2_000, 'b');
    h.op.processElement({ v: 16 }, 23_000, 'a'); // [13 s, 23 s]: only itself
    h.op.processWatermark(12_000);
    expect(h.values()).toEqual([
      { v: 1, s: 1, n: 1 },
      { v: 8, s: 8, n: 1 },
      { v: 4, s: 6, n: 2 }, // [2 s, 12 s]: the two peers; 1 s is out of range
      { v: 2, s: 6, n: 2 },
    ]);
    h.op.processElement({ v: 32 }, 11_000, 'a'); // behind the watermark: late
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values().slice(4)).toEqual([{ v: 16, s: 16, n: 1 }]);
    expect(h.counters).toMatchObject({ lateRecordsDropped: 1, deadLettered: 1 });
  });
});
