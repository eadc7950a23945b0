import { describe, expect, it } from 'vitest';
import { keyGroupOf, subtaskForKeyGroup } from '../key-groups.js';
import { ALL_CHANNELS, BroadcastPartitioner, createPartitioner, ForwardPartitioner, HashPartitioner, RebalancePartitioner } from './index.js';

describe('partitioners', () => {
  it('hash: every record of a key lands on the subtask owning its key group', () => {
    const p = new HashPartitioner(128);
    const seen = new Map<unknown, Set<number>>();
    for (let i = 0; i < 2_000; i++) {
      const key = i % 3 === 0 ? `k${i % 97}` : i % 97;
      const ch = p.selectChannel(key, 4);
      expect(ch).toBeGreaterThanOrEqual(0);
      expect(ch).toBeLessThan(4);
      expect(ch).toBe(subtaskForKeyGroup(keyGroupOf(key, 128), 4, 128));
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add(ch);
    }
    for (const channels of seen.values()) expect(channels.size).toBe(1);
    // ...and the keys do spread over all subtasks.
    expect(new Set([...seen.values()].map((s) => [...s][0])).size).toBe(4);
  });

  it('rebalance: round-robin from the start channel', () => {
    const p = new RebalancePartitioner(1);
    expect(Array.from({ length: 7 }, () => p.selectChannel(undefined, 3))).toEqual([1, 2, 0, 1, 2, 0, 1]);
  });

  it('broadcast: to all channels', () => {
    expect(new BroadcastPartitioner().selectChannel()).toBe(ALL_CHANNELS);
  });

  it('forward: the single partner channel', () => {
    expect(new ForwardPartitioner().selectChannel()).toBe(0);
  });

  it('creates each kind by name', () => {
    for (const kind of ['forward', 'rebalance', 'hash', 'broadcast'] as const) expect(createPartitioner(kind, 0, 128).kind).toBe(kind);
  });
});
