import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyGroupRange } from '../key-groups.js';
import { DiskKeyedStateBackend } from './disk-backend.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';

const ALL = { maxParallelism: 128, keyGroups: { start: 0, end: 127 } };
const COUNT = { name: 'count', kind: 'value', keyed: true } as const;
const SEEN = { name: 'seen', kind: 'map', keyed: true } as const;
const RECENT = { name: 'recent', kind: 'value', keyed: true, ttl: { ttlMs: 1000, updateOnRead: false } } as const;
// Every key type the disk keys encode, and strings that look like the encoding's separators.
const KEYS: unknown[] = ['user-1', 'a:b', '"quoted"', '__proto__', '', 7, -3.5, 0, true, false, null, '7', 'true', 'null'];

const open: KeyedStateBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

function disk(cacheKeys: number, clock: { t: number }): DiskKeyedStateBackend {
  const dir = join(mkdtempSync(join(tmpdir(), 'riffle-disk-snap-')), 'db');
  const b = new DiskKeyedStateBackend({ ...ALL, dir, cacheKeys, now: () => clock.t });
  for (const d of [COUNT, SEEN, RECENT]) b.register(d);
  open.push(b);
  return b;
}

/** Writes `round` into every state of every key (namespaces 0 and 1 of the map), and extra numbered keys. */
function write(b: KeyedStateBackend, round: number, extra: number): void {
  const count = b.valueState<number>(COUNT);
  const seen = b.mapState<string, number>(SEEN);
  const recent = b.valueState<number>(RECENT);
  const keys = [...KEYS, ...Array.from({ length: extra }, (_, i) => `k${i}`)];
  for (const key of keys) {
    b.setCurrentKey(key);
    count.update((count.value() ?? 0) + 1);
    seen.put(`r${round}`, round);
    recent.update(round);
  }
}

describe('disk backend checkpoint snapshot', () => {
  it('holds the state at the call although later writes reach LevelDB before it is read', async () => {
    const clock = { t: 10_000 };
    const b = disk(4, clock);
    write(b, 1, 300);
    await b.settled();
    clock.t += 600;
    write(b, 2, 100); // half the keys refresh their TTL entry; the cache (4 keys) holds a few dirty ones
    clock.t += 600; // entries of `recent` written in round 1 are expired now, round 2's are not
    const expected = b.snapshotAll();
    const pending = b.snapshotForCheckpoint();

    // Processing goes on: every key changes, some are removed, new ones appear, all of it in LevelDB.
    write(b, 3, 400);
    const count = b.valueState<number>(COUNT);
    for (const key of KEYS) {
      b.setCurrentKey(key);
      count.clear();
    }
    await b.settled();

    const snap = await pending;
    expect(sortRows(snap)).toEqual(sortRows(expected));
    const rows = new Map(snap.flatMap((g) => g.states.count!.map((r) => [r[0], r[2]])));
    expect(rows.size).toBe(KEYS.length + 300);
    for (const key of KEYS) expect(rows.get(key)).toBe(2);
    // Only round 2's TTL entries survive (keys written then: the fixed ones and k0..k99).
    expect(snap.flatMap((g) => g.states.recent ?? []).length).toBe(KEYS.length + 100);
  });

  it('reads a state larger than one scan step (several steps of LevelDB reads) completely', async () => {
    const clock = { t: 10_000 };
    const b = disk(16, clock);
    write(b, 1, 25_000);
    await b.settled();
    const expected = b.snapshotAll();
    const pending = b.snapshotForCheckpoint();
    write(b, 2, 30_000); // changes while the steps are read
    const snap = await pending;
    expect(snap.flatMap((g) => g.states.count!).length).toBe(KEYS.length + 25_000);
    expect(sortRows(snap)).toEqual(sortRows(expected));
  });

  it('restores onto the heap at another parallelism with the same content as a heap snapshot', async () => {
    const clock = { t: 0 };
    const b = disk(2, clock);
    write(b, 1, 200);
    const snap = await b.snapshotForCheckpoint();
    const heaps = [0, 1].map((i) => {
      const h = new HeapKeyedStateBackend({ maxParallelism: 128, keyGroups: keyGroupRange(i, 2, 128), now: () => clock.t });
      for (const d of [COUNT, SEEN, RECENT]) h.register(d);
      h.restore(snap);
      return h;
    });
    const fromHeaps = heaps.flatMap((h) => h.snapshotAll()).sort((x, y) => x.keyGroup - y.keyGroup);
    expect(sortRows(fromHeaps)).toEqual(sortRows(snap));
    expect(heaps[0]!.metrics().keys + heaps[1]!.metrics().keys).toBe(KEYS.length + 200);
  });

  it('an empty backend, and one whose database has not opened yet, snapshot what they hold', async () => {
    const clock = { t: 0 };
    expect(await disk(8, clock).snapshotForCheckpoint()).toEqual([]);
    const fresh = disk(8, clock);
    write(fresh, 1, 0); // in the cache only, before LevelDB finished opening
    const snap = await fresh.snapshotForCheckpoint();
    expect(snap.flatMap((g) => g.states.count!.map((r) => r[0])).length).toBe(KEYS.length);
  });
});

/** Rows in a fixed order: row order inside a key group is not part of the format. */
function sortRows(snaps: Array<{ keyGroup: number; states: Record<string, unknown[][]> }>): unknown {
  return snaps.map((s) => ({
    keyGroup: s.keyGroup,
    states: Object.fromEntries(
      Object.entries(s.states)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, rows]) => [name, [...rows].map((r) => JSON.stringify(r)).sort()]),
    ),
  }));
}
