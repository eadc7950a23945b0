import { describe, expect, it } from 'vitest';
import { HeapKeyedStateBackend } from './heap-backend.js';

/**
 * `sizeMetrics` on the heap counts from the tables' arrays (no walk over the entries): it must
 * give the exact walk's keys and entries (`metrics()`) whatever was written, removed or expired.
 */
const ALL = { maxParallelism: 128, keyGroups: { start: 0, end: 127 } };

describe('heap backend sizeMetrics', () => {
  it('counts as the full walk does after random writes, removals, namespaces and expiry', () => {
    let now = 0;
    const b = new HeapKeyedStateBackend({ ...ALL, now: () => now });
    const v = b.valueState<number>({ name: 'v', kind: 'value', keyed: true });
    const l = b.listState<number>({ name: 'l', kind: 'list', keyed: true });
    const t = b.valueState<number>({ name: 't', kind: 'value', keyed: true, ttl: { ttlMs: 50 } });
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let step = 0; step < 5000; step++) {
      now += next(3);
      b.setCurrentKey(next(300));
      const ns = next(4) === 0 ? next(3) : null;
      switch (next(6)) {
        case 0:
          v.setNamespace(ns).update(step);
          break;
        case 1:
          v.setNamespace(ns).clear();
          break;
        case 2:
          l.add(step);
          break;
        case 3:
          l.clear();
          break;
        case 4:
          t.update(step);
          break;
        default:
          t.clear();
      }
      if (step % 500 === 499) {
        const exact = b.metrics();
        const counted = b.sizeMetrics();
        expect({ keys: counted.keys, entries: counted.entries }).toEqual({ keys: exact.keys, entries: exact.entries });
        expect(counted.keys).toBeGreaterThan(0);
      }
    }
  });

  it('counts a key once across states and leaves expired entries out', () => {
    let now = 0;
    const b = new HeapKeyedStateBackend({ ...ALL, now: () => now });
    const left = b.listState<string>({ name: 'left', kind: 'list', keyed: true });
    const right = b.listState<string>({ name: 'right', kind: 'list', keyed: true, ttl: { ttlMs: 100 } });
    for (let k = 0; k < 10; k++) {
      b.setCurrentKey(k);
      left.add('a');
      if (k < 4) right.add('b');
    }
    expect(b.sizeMetrics()).toMatchObject({ keys: 10, entries: 14 });
    now = 100; // right's rows expire (not cleaned up yet)
    expect(b.sizeMetrics()).toMatchObject({ keys: 10, entries: 10 });
  });

  it('estimates bytes per state, so a state with large values is not judged by a small one', () => {
    const b = new HeapKeyedStateBackend(ALL);
    const small = b.valueState<number>({ name: 'small', kind: 'value', keyed: true });
    const big = b.listState<string>({ name: 'big', kind: 'list', keyed: true });
    for (let k = 0; k < 1000; k++) {
      b.setCurrentKey(k);
      small.update(1);
      for (let i = 0; i < 20; i++) big.add('x'.repeat(100));
    }
    const exact = b.metrics().approximateBytes;
    const approx = b.sizeMetrics(16).approximateBytes;
    expect(approx).toBeGreaterThan(exact * 0.9);
    expect(approx).toBeLessThan(exact * 1.1);
  });
});
