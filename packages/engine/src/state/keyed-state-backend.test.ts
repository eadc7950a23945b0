import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, unpack } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { keyGroupOf, keyGroupRange } from '../key-groups.js';
import type { AggregatingStateDescriptor, ReducingStateDescriptor } from './descriptors.js';
import { DiskKeyedStateBackend } from './disk-backend.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import type { KeyedStateBackend, KeyedStateBackendOptions } from './keyed-state-backend.js';

const ALL = { maxParallelism: 128, keyGroups: { start: 0, end: 127 } };
const sum: ReducingStateDescriptor<number> = { name: 'sum', kind: 'reducing', keyed: true, reduce: (a, b) => a + b };
const avg: AggregatingStateDescriptor<number, [number, number], number> = {
  name: 'avg',
  kind: 'aggregating',
  keyed: true,
  fn: {
    createAccumulator: () => [0, 0],
    add: (acc, v) => [acc[0] + v, acc[1] + 1],
    getResult: (acc) => acc[0] / acc[1],
    merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
  },
};

const opened: KeyedStateBackend[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

/** A disk backend in a fresh folder, closed (folder deleted) after the test. */
function disk(o: KeyedStateBackendOptions, cacheKeys?: number): DiskKeyedStateBackend {
  const b = new DiskKeyedStateBackend({ ...o, dir: join(mkdtempSync(join(tmpdir(), 'riffle-disk-state-')), 'db'), ...(cacheKeys ? { cacheKeys } : {}) });
  opened.push(b);
  return b;
}

// Every backend must pass the same suite. The disk backend runs it twice: with its default cache
// (everything stays cached) and with a 4-key cache, so records are evicted, encoded and read back.
const BACKENDS: Array<[string, (o: KeyedStateBackendOptions) => KeyedStateBackend]> = [
  ['heap', (o) => new HeapKeyedStateBackend(o)],
  ['disk', (o) => disk(o)],
  ['disk, 4-key cache', (o) => disk(o, 4)],
];

describe.each(BACKENDS)('keyed state (%s backend)', (_name, make) => {
  it('sizeMetrics counts keys and entries like metrics(), with one state or several', () => {
    const b = make(ALL);
    const v = b.valueState<string>({ name: 'v', kind: 'value', keyed: true });
    for (let k = 0; k < 40; k++) {
      b.setCurrentKey(k);
      v.update('x');
      v.setNamespace(1).update('y');
      v.setNamespace(null);
    }
    expect(b.sizeMetrics()).toMatchObject({ keys: 40, entries: 80 });
    const r = b.reducingState(sum);
    for (let k = 30; k < 50; k++) {
      b.setCurrentKey(k);
      r.add(k);
    }
    const exact = b.metrics();
    expect(exact).toMatchObject({ keys: 50, entries: 100 });
    const approx = b.sizeMetrics(8);
    expect(approx).toMatchObject({ keys: 50, entries: 100 });
    expect(approx.approximateBytes).toBeGreaterThan(exact.approximateBytes / 2);
    expect(approx.approximateBytes).toBeLessThan(exact.approximateBytes * 2);
  });

  it('scopes value state by key and namespace', () => {
    const b = make(ALL);
    const v = b.valueState<string>({ name: 'v', kind: 'value', keyed: true });
    b.setCurrentKey('a');
    v.update('a-null');
    v.setNamespace(1).update('a-1');
    b.setCurrentKey(7);
    expect(v.value()).toBeUndefined();
    v.update('7-1');
    b.setCurrentKey('a');
    expect(v.value()).toBe('a-1');
    expect(v.setNamespace(null).value()).toBe('a-null');
    expect(v.namespaces().sort()).toEqual([1, null].sort());
    v.clear();
    expect(v.value()).toBeUndefined();
  });

  it('implements list, map, reducing and aggregating state', () => {
    const b = make(ALL);
    const list = b.listState<number>({ name: 'l', kind: 'list', keyed: true });
    const map = b.mapState<string, number>({ name: 'm', kind: 'map', keyed: true });
    const red = b.reducingState(sum);
    const agg = b.aggregatingState(avg);
    b.setCurrentKey('k');
    list.add(1);
    list.add(2);
    map.put('x', 1);
    map.put('y', 2);
    map.remove('x');
    red.add(3);
    red.add(4);
    agg.add(2);
    agg.add(4);
    expect(list.get()).toEqual([1, 2]);
    expect(map.entries()).toEqual([['y', 2]]);
    expect(map.contains('x')).toBe(false);
    expect(red.get()).toBe(7);
    expect(agg.get()).toBe(3);
    list.update([]);
    expect(list.get()).toEqual([]);
  });

  it('merges aggregating namespaces (session windows)', () => {
    const b = make(ALL);
    const agg = b.aggregatingState(avg);
    b.setCurrentKey('k');
    agg.setNamespace(1).add(1);
    agg.setNamespace(2).add(3);
    agg.setNamespace(3).add(5);
    agg.mergeNamespaces(1, [2, 3]);
    expect(agg.setNamespace(1).get()).toBe(3);
    expect(agg.setNamespace(2).get()).toBeUndefined();
  });

  it('expires entries after their TTL on read and on cleanup', () => {
    let now = 1000;
    const b = make({ ...ALL, now: () => now });
    const v = b.valueState<number>({ name: 'v', kind: 'value', keyed: true, ttl: { ttlMs: 100 } });
    b.setCurrentKey('a');
    v.update(1);
    b.setCurrentKey('b');
    v.update(2);
    now = 1099;
    expect(v.value()).toBe(2);
    now = 1100;
    expect(v.value()).toBeUndefined(); // expired on read
    expect(b.metrics().keys).toBe(0); // metrics count live entries only
    expect(b.cleanupExpired()).toBe(1); // b was removed by the read, a by the cleanup
    expect(b.metrics()).toMatchObject({ keys: 0, entries: 0 });
  });

  it('refreshes TTL on read when asked', () => {
    let now = 0;
    const b = make({ ...ALL, now: () => now });
    const v = b.valueState<number>({ name: 'v', kind: 'value', keyed: true, ttl: { ttlMs: 100, updateOnRead: true } });
    b.setCurrentKey('a');
    v.update(1);
    now = 90;
    expect(v.value()).toBe(1);
    now = 180;
    expect(v.value()).toBe(1);
  });

  it('snapshots per key group and restores through msgpackr, also at another parallelism', () => {
    let now = 0;
    const b = make({ ...ALL, now: () => now });
    const v = b.valueState<number>({ name: 'v', kind: 'value', keyed: true, ttl: { ttlMs: 1000 } });
    const map = b.mapState<string, number>({ name: 'm', kind: 'map', keyed: true });
    const agg = b.aggregatingState(avg);
    const keys = Array.from({ length: 200 }, (_, i) => (i % 2 ? `user-${i}` : i));
    for (const k of keys) {
      b.setCurrentKey(k);
      v.update(typeof k === 'number' ? k : k.length);
      map.put('x', 1);
      agg.setNamespace(10).add(4);
    }
    now = 500;
    const snaps = b.snapshotAll().map((s) => unpack(pack(s)));
    expect(new Set(snaps.map((s) => s.keyGroup)).size).toBe(snaps.length);
    for (const s of snaps) for (const rows of Object.values(s.states)) for (const r of rows as unknown[][]) expect(keyGroupOf(r[0], 128)).toBe(s.keyGroup);

    // Restore into two subtasks (parallelism 2): each takes only its own key groups.
    const restored = [0, 1].map((i) => {
      const r = make({ maxParallelism: 128, keyGroups: keyGroupRange(i, 2, 128), now: () => now });
      r.register({ name: 'v', kind: 'value', keyed: true, ttl: { ttlMs: 1000 } });
      r.register({ name: 'm', kind: 'map', keyed: true });
      r.register(avg);
      r.restore(snaps);
      return r;
    });
    expect(restored[0]!.metrics().keys + restored[1]!.metrics().keys).toBe(200);
    for (const k of keys) {
      const kg = keyGroupOf(k, 128);
      const r = restored[kg < 64 ? 0 : 1]!;
      r.setCurrentKey(k);
      expect(r.valueState<number>({ name: 'v', kind: 'value', keyed: true }).value()).toBe(typeof k === 'number' ? k : k.length);
      expect(r.mapState({ name: 'm', kind: 'map', keyed: true }).get('x')).toBe(1);
      expect(r.aggregatingState(avg).setNamespace(10).get()).toBe(4);
    }
    // The write time survives the round trip: the TTL still expires at 1000.
    now = 1000;
    expect(restored[0]!.cleanupExpired() + restored[1]!.cleanupExpired()).toBe(200);
  });

  it('a checkpoint snapshot (snapshotForCheckpoint) holds the state at the call, as snapshotAll does', async () => {
    let now = 0;
    const b = make({ ...ALL, now: () => now });
    const v = b.valueState<number>({ name: 'v', kind: 'value', keyed: true, ttl: { ttlMs: 1000 } });
    const map = b.mapState<string, number>({ name: 'm', kind: 'map', keyed: true });
    const agg = b.aggregatingState(avg);
    const keys = Array.from({ length: 100 }, (_, i) => (i % 2 ? `user-${i}` : i));
    const writeAll = (x: number) => {
      for (const k of keys) {
        b.setCurrentKey(k);
        v.update(x);
        map.put(`x${x}`, x);
        agg.setNamespace(10).add(x);
      }
    };
    writeAll(1);
    now = 500;
    writeAll(2);
    // Rows as text, sorted: row order within a key group is not part of the format.
    const flat = (snaps: unknown[]) =>
      (unpack(pack(snaps)) as Array<{ keyGroup: number; states: Record<string, unknown[]> }>)
        .flatMap((s) => Object.entries(s.states).flatMap(([name, rows]) => rows.map((r) => JSON.stringify([s.keyGroup, name, r]))))
        .sort();
    const expected = flat(b.snapshotAll());
    const taken = b.snapshotForCheckpoint();
    // A state returned directly is encoded at once (as the task does); a promised one after later writes.
    const direct = taken instanceof Promise ? undefined : flat(taken);
    writeAll(3);
    expect(direct ?? flat(await taken)).toEqual(expected);
    expect(expected.length).toBe(300);
  });

  it('rejects keys outside the subtask key-group range and conflicting declarations', () => {
    const b = make({ maxParallelism: 128, keyGroups: { start: 0, end: 0 } });
    const outside = Array.from({ length: 50 }, (_, i) => i).find((k) => keyGroupOf(k, 128) !== 0)!;
    expect(() => b.setCurrentKey(outside)).toThrow(/outside/);
    b.valueState({ name: 'x', kind: 'value', keyed: true });
    expect(() => b.listState({ name: 'x', kind: 'list', keyed: true })).toThrow(/declared as value/);
  });

  it('reports size metrics', () => {
    const b = make(ALL);
    const v = b.valueState<string>({ name: 'v', kind: 'value', keyed: true });
    for (let i = 0; i < 10; i++) {
      b.setCurrentKey(i);
      v.update('x'.repeat(100));
    }
    const m = b.metrics();
    expect(m.keys).toBe(10);
    expect(m.entries).toBe(10);
    expect(m.approximateBytes).toBeGreaterThan(10 * 200);
  });
});
