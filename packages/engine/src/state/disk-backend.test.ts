import { existsSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyGroupRange } from '../key-groups.js';
import { DiskKeyedStateBackend } from './disk-backend.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';

const ALL = { maxParallelism: 128, keyGroups: { start: 0, end: 127 } };
const COUNT = { name: 'count', kind: 'value', keyed: true } as const;
const open: KeyedStateBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

function folder(): string {
  return join(mkdtempSync(join(tmpdir(), 'riffle-disk-test-')), 'db');
}

function disk(cacheKeys: number, o = ALL, dir = folder()): DiskKeyedStateBackend {
  const b = new DiskKeyedStateBackend({ ...o, dir, cacheKeys });
  open.push(b);
  return b;
}

/** Files this process holds open under `dir` (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The fd closed while listing.
    }
  }
  return out;
}

/** Counts `n` keys up `times` times each, in round-robin order (every key is evicted between two visits). */
function countUp(b: KeyedStateBackend, n: number, times: number): void {
  const v = b.valueState<number>(COUNT);
  for (let t = 0; t < times; t++)
    for (let k = 0; k < n; k++) {
      b.setCurrentKey(`user-${k}`);
      v.update((v.value() ?? 0) + 1);
    }
}

describe('disk state backend', () => {
  it('holds more keys than its cache: evicted records go to LevelDB and are read back from it', async () => {
    const b = disk(16);
    countUp(b, 2000, 2);
    await b.settled(); // every evicted record is in LevelDB now, none only in the write queue
    countUp(b, 2000, 1);
    await b.settled();
    const v = b.valueState<number>(COUNT);
    for (let k = 0; k < 2000; k++) {
      b.setCurrentKey(`user-${k}`);
      expect(v.value()).toBe(3);
    }
    expect(b.sizeMetrics()).toMatchObject({ keys: 2000, entries: 2000 });
    expect(b.metrics()).toMatchObject({ keys: 2000, entries: 2000 });
    // The heap holds at most the cache's worth of decoded records.
    const cache = (b as unknown as { diskTables: Array<{ cache: Map<unknown, unknown> }> }).diskTables[0]!.cache;
    expect(cache.size).toBeLessThanOrEqual(16);
  });

  it('prefetch brings keys into the cache with one multi-get, so processing them reads nothing synchronously', async () => {
    const b = disk(100);
    countUp(b, 300, 1);
    await b.settled();
    const store = (b as unknown as { store: { read(k: string): unknown } }).store;
    const batch = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    await b.prefetch([...batch, 'never-seen']);
    const reads = vi.spyOn(store, 'read');
    const v = b.valueState<number>(COUNT);
    for (const k of batch) {
      b.setCurrentKey(k);
      expect(v.value()).toBe(1);
    }
    expect(reads).not.toHaveBeenCalled();
  });

  it('a prefetch answer for a key written meanwhile is dropped (the newer value wins)', async () => {
    const b = disk(1);
    countUp(b, 2, 1); // user-0 evicted with 1
    await b.settled();
    const pending = b.prefetch(['user-0']);
    countUp(b, 2, 1); // user-0 now 2, written back while the multi-get is out
    await pending;
    await b.settled();
    const v = b.valueState<number>(COUNT);
    b.setCurrentKey('user-0');
    expect(v.value()).toBe(2);
  });

  it('removes keys from LevelDB when their last namespace is cleared', async () => {
    const b = disk(2);
    countUp(b, 10, 1);
    await b.settled();
    const v = b.valueState<number>(COUNT);
    for (let k = 0; k < 10; k += 2) {
      b.setCurrentKey(`user-${k}`);
      v.clear();
    }
    await b.settled();
    expect(b.sizeMetrics()).toMatchObject({ keys: 5, entries: 5 });
    expect(b.snapshotAll().flatMap((s) => s.states.count!.map((r) => r[0])).sort()).toEqual(['user-1', 'user-3', 'user-5', 'user-7', 'user-9']);
  });

  it('snapshots restore across backends: disk → heap at parallelism 2, heap → disk at parallelism 1', async () => {
    const d = disk(8);
    countUp(d, 500, 3);
    await d.settled();
    const fromDisk = d.snapshotAll();
    const heaps = [0, 1].map((i) => {
      const h = new HeapKeyedStateBackend({ maxParallelism: 128, keyGroups: keyGroupRange(i, 2, 128) });
      h.register(COUNT);
      h.restore(fromDisk);
      return h;
    });
    expect(heaps[0]!.metrics().keys + heaps[1]!.metrics().keys).toBe(500);
    const back = disk(8);
    back.register(COUNT);
    back.restore(heaps.flatMap((h) => h.snapshotAll()));
    const v = back.valueState<number>(COUNT);
    for (let k = 0; k < 500; k++) {
      back.setCurrentKey(`user-${k}`);
      expect(v.value()).toBe(3);
    }
    expect(back.snapshotAll()).toEqual(fromDisk);
  });

  it('close() releases every LevelDB file and deletes the folder', async () => {
    const dir = folder();
    const b = disk(4, ALL, dir);
    countUp(b, 100, 1);
    await b.settled();
    expect(existsSync(dir)).toBe(true);
    expect(openFilesUnder(dir).length).toBeGreaterThan(0);
    await b.close();
    expect(openFilesUnder(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    await b.close(); // idempotent
  });

  it('a folder it cannot create fails the next access with state_io_error, naming the folder', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'riffle-disk-test-'));
    writeFileSync(join(parent, 'file'), 'not a folder');
    const b = disk(1, ALL, join(parent, 'file', 'db'));
    countUp(b, 3, 1); // evictions queue writes; the database never opens
    await expect(b.settled()).rejects.toMatchObject({ code: 'state_io_error', domain: 'external', message: expect.stringContaining(join(parent, 'file', 'db')) });
    expect(() => countUp(b, 3, 1)).toThrow(/disk state backend could not use/);
  });
});
