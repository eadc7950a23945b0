import { describe, expect, it } from 'vitest';
import { estimateBytes } from './size-estimate.js';

describe('estimateBytes', () => {
  it('adds up small values whole', () => {
    expect(estimateBytes('abc')).toBe(22);
    // 24 for the object, per field 8 + the name + the value.
    expect(estimateBytes({ a: 1, b: 'xy' })).toBe(24 + (8 + 18 + 8) + (8 + 18 + 20));
    expect(estimateBytes([1, 2])).toBe(16 + 16 + 8 + 8);
    expect(estimateBytes(new Map([['k', 1]]))).toBe(64 + 24 + 18 + 8);
  });

  it('extrapolates a large list from its first rows, reading a bounded part of it', () => {
    let reads = 0;
    const row = (i: number) => {
      const r = { id: i, name: 'bidder-0000' };
      // Counts every read of `name`: the estimate must not walk all 100k rows.
      Object.defineProperty(r, 'name', { enumerable: true, get: () => (reads++, 'bidder-0000') });
      return r;
    };
    const n = 100_000;
    const rows = Array.from({ length: n }, (_, i) => row(i));
    const perRow = 24 + (8 + 20 + 8) + (8 + 24 + 38);
    const estimate = estimateBytes(rows);
    expect(reads).toBeLessThan(n / 100);
    expect(estimate).toBeGreaterThan(0.99 * (16 + 8 * n + n * perRow));
    expect(estimate).toBeLessThan(1.01 * (16 + 8 * n + n * perRow));
  });

  it('bounds nested collections too (a map of lists)', () => {
    const lists = new Map(Array.from({ length: 1000 }, (_, k) => [k, Array.from({ length: 1000 }, (_, i) => i)] as const));
    const exact = 64 + 1000 * (24 + 8 + (16 + 8 * 1000 + 8 * 1000));
    const estimate = estimateBytes(lists);
    expect(estimate).toBeGreaterThan(0.99 * exact);
    expect(estimate).toBeLessThan(1.01 * exact);
  });
});
