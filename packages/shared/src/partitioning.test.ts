import { describe, expect, it } from 'vitest';
import { resolvePartitioning } from './partitioning.js';

describe('resolvePartitioning', () => {
  it('hashes after a keyBy whatever else is asked', () => {
    expect(resolvePartitioning({ fromKind: 'keyBy', fromParallelism: 2, toParallelism: 2 })).toBe('hash');
  });
  it('defaults to forward at equal parallelism and rebalance otherwise', () => {
    expect(resolvePartitioning({ fromKind: 'filter', fromParallelism: 2, toParallelism: 2 })).toBe('forward');
    expect(resolvePartitioning({ fromKind: 'filter', fromParallelism: 2, toParallelism: 1 })).toBe('rebalance');
  });
  it('keeps an explicit choice', () => {
    expect(resolvePartitioning({ fromKind: 'map', fromParallelism: 1, toParallelism: 3 }, 'broadcast')).toBe('broadcast');
  });
});
