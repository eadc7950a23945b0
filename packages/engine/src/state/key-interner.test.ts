import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../key-groups.js';
import type { ValueStateDescriptor } from './descriptors.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import { HeapStateTable } from './heap-state-table.js';
import { KeyInterner } from './key-interner.js';

const HOSTILE = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', '', 'a'.repeat(10_000)];

describe('KeyInterner', () => {
  it('gives each distinct key one id and remembers its key group', () => {
    const k = new KeyInterner();
    const keys: unknown[] = [1, '1', 1.5, -0, true, 'true', null, ...HOSTILE];
    const ids = keys.map((key, i) => k.intern(key, i));
    // -0 and 0 are one key (SameValueZero, as Map keys), everything else is distinct.
    expect(new Set(ids).size).toBe(keys.length);
    keys.forEach((key, i) => {
      expect(k.intern(key, 99)).toBe(ids[i]); // interning again keeps the first key group
      expect(k.keyOf(ids[i]!)).toBe(key);
      expect(k.keyGroupOf(ids[i]!)).toBe(i);
    });
    expect(k.idOf(0)).toBe(k.idOf(-0));
    expect(k.idOf('missing')).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('frees an id only when no table holds it, and reuses freed ids', () => {
    const k = new KeyInterner();
    const a = k.intern('a', 0);
    k.hold(a);
    k.hold(a);
    k.releaseIfUnheld(a);
    expect(k.idOf('a')).toBe(a);
    expect(k.drop(a)).toBe(false);
    expect(k.drop(a)).toBe(true);
    k.releaseIfUnheld(a);
    expect(k.idOf('a')).toBeUndefined();
    expect(k.size).toBe(0);
    const b = k.intern('b', 3);
    expect(b).toBe(a);
    expect(k.keyOf(b)).toBe('b');
    expect(k.keyGroupOf(b)).toBe(3);
    // Releasing a stale id again must not drop a held key that reuses it.
    k.hold(b);
    k.releaseIfUnheld(a);
    expect(k.idOf('b')).toBe(b);
  });

  it('grows past its initial capacity', () => {
    const k = new KeyInterner();
    for (let i = 0; i < 5000; i++) expect(k.intern(`k${i}`, i % 128)).toBe(i);
    expect(k.keyGroupOf(4999)).toBe(4999 % 128);
    expect(k.size).toBe(5000);
  });
});

describe('HeapStateTable by key id', () => {
  it('forEachEntry visits what entries yields: every namespace, expired entries left out, write times kept', () => {
    let now = 1000;
    const t = new HeapStateTable(0, 4, { ttlMs: 100, updateOnRead: false }, () => now);
    for (const ns of [1, 2, null]) t.put(1, 'a', ns, `a${String(ns)}`);
    now = 1050;
    t.put(1, 'b', 'w', 'bw');
    t.put(3, 'c', null, 'c'); // another key group
    t.remove(1, 'a', 1);
    now = 1120; // a's entries (written at 1000) have expired, b's (1050) have not
    const visited: unknown[] = [];
    t.forEachEntry(1, (...e) => visited.push(e));
    expect(visited).toEqual([...t.entries(1)]);
    expect(visited).toEqual([['b', 'w', 'bw', 1050]]);
    now = 1060;
    const all: unknown[] = [];
    t.forEachEntry(1, (...e) => all.push(e));
    expect(all).toEqual([...t.entries(1)]);
    expect(all).toHaveLength(3);
  });

  it('keeps several namespaces per key, inline and spilled, and lists them for snapshots', () => {
    const keys = new KeyInterner();
    const t = new HeapStateTable(0, 4, undefined, () => 0, keys);
    const id = keys.intern('u', 2);
    for (const ns of [10, 20, 30, null, 'x']) t.put(2, 'u', ns, `v${String(ns)}`, id);
    expect(t.get(2, 'u', 20, id)).toBe('v20');
    expect(t.get(2, 'u', 20)).toBe('v20'); // without the id: looked up by key
    t.remove(2, 'u', 10, id); // the inline one goes first; the others stay
    expect(t.namespaces(2, 'u', id).sort()).toEqual([20, 30, null, 'x'].sort());
    expect([...t.entries(2)].map(([k, ns, v]) => [k, ns, v])).toEqual([
      ['u', 20, 'v20'],
      ['u', 30, 'v30'],
      ['u', null, 'vnull'],
      ['u', 'x', 'vx'],
    ]);
    t.put(2, 'u', 40, 'v40', id); // refills the emptied inline slot
    expect(t.get(2, 'u', 40, id)).toBe('v40');
    for (const ns of [20, 30, null, 'x', 40]) t.remove(2, 'u', ns, id);
    expect([...t.entries(2)]).toEqual([]);
    keys.releaseIfUnheld(id);
    expect(keys.size).toBe(0);
  });

  it('expires TTL entries, keeps restored write times, and frees keys left empty', () => {
    let now = 1000;
    const keys = new KeyInterner();
    const t = new HeapStateTable(0, 1, { ttlMs: 100 }, () => now, keys);
    t.put(0, 'old', null, 1);
    t.restore(0, ['restored', 5, 2, 950]);
    now = 1060;
    t.put(0, 'fresh', null, 3);
    expect(t.get(0, 'restored', 5)).toBeUndefined(); // written at 950: expired at 1050
    expect(t.cleanupExpired()).toBe(0); // 'old' is 60 ms old
    now = 1100;
    expect(t.cleanupExpired()).toBe(1);
    expect([...t.entries(0)].map(([k]) => k)).toEqual(['fresh']);
    expect(keys.idOf('old')).toBeUndefined();
    // Expired on read, as the current key: the backend frees it when it moves to another key.
    keys.releaseIfUnheld(keys.idOf('restored')!);
    expect(keys.idOf('restored')).toBeUndefined();
    expect(keys.idOf('fresh')).toBeDefined();
  });
});

describe('HeapKeyedStateBackend with interned keys', () => {
  const count: ValueStateDescriptor = { name: 'count', kind: 'value', keyed: true };

  class Inspectable extends HeapKeyedStateBackend {
    get interned(): number {
      return this.interner!.size;
    }
  }

  it('reuses ids of keys whose state is gone, so churning keys do not grow memory', () => {
    const b = new Inspectable({ maxParallelism: 128, keyGroups: { start: 0, end: 127 } });
    const c = b.valueState<number>(count);
    for (let i = 0; i < 10_000; i++) {
      b.setCurrentKey(`session-${i}`);
      c.update(1);
      c.clear(); // the session ended: no state left under the key
    }
    expect(b.interned).toBeLessThanOrEqual(1);
  });

  it('uses the key group of the key, computed once, for state and snapshots', () => {
    const b = new Inspectable({ maxParallelism: 128, keyGroups: { start: 0, end: 127 } });
    const c = b.valueState<number>(count);
    for (let round = 0; round < 3; round++)
      for (const key of HOSTILE) {
        b.setCurrentKey(key);
        expect(b.currentKeyGroup).toBe(keyGroupOf(key, 128));
        c.update((c.value() ?? 0) + 1);
      }
    const rows = b.snapshotAll().flatMap((s) => (s.states.count ?? []).map(([k, , v]) => [s.keyGroup, k, v]));
    expect(rows.sort()).toEqual(HOSTILE.map((k) => [keyGroupOf(k, 128), k, 3]).sort());
    // Restored into a fresh backend, each key reads back under its own key group.
    const r = new Inspectable({ maxParallelism: 128, keyGroups: { start: 0, end: 127 } });
    const rc = r.valueState<number>(count);
    r.restore(b.snapshotAll());
    for (const key of HOSTILE) {
      r.setCurrentKey(key);
      expect(rc.value()).toBe(3);
    }
    expect(r.interned).toBe(HOSTILE.length);
  });

  it('refuses a key outside its key-group range without interning it', () => {
    const b = new Inspectable({ maxParallelism: 128, keyGroups: { start: 0, end: 0 } });
    const key = [...Array(100).keys()].map((i) => `k${i}`).find((k) => keyGroupOf(k, 128) !== 0)!;
    expect(() => b.setCurrentKey(key)).toThrow(/outside this subtask's range/);
    expect(b.interned).toBe(0);
  });
});
