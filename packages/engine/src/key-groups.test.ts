import { describe, expect, it } from 'vitest';
import { hashKey, keyGroupOf, keyGroupRange, subtaskForKeyGroup } from './key-groups.js';

describe('key groups', () => {
  it('hashes deterministically and distinguishes types', () => {
    expect(hashKey('alice')).toBe(hashKey('alice'));
    expect(hashKey(7)).toBe(hashKey(7));
    expect(hashKey(7)).not.toBe(hashKey('7'));
    expect(hashKey(1.5)).not.toBe(hashKey(2.5));
  });

  it('spreads keys over key groups evenly enough', () => {
    const counts = new Array(128).fill(0);
    for (let i = 0; i < 128_000; i++) counts[keyGroupOf(`user-${i}`, 128)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it("maps key groups to subtasks by Flink's formula, in contiguous ranges", () => {
    expect(subtaskForKeyGroup(0, 3, 128)).toBe(0);
    expect(subtaskForKeyGroup(127, 3, 128)).toBe(2);
    for (let p = 1; p <= 7; p++) {
      for (let s = 0; s < p; s++) {
        const { start, end } = keyGroupRange(s, p, 128);
        for (let kg = start; kg <= end; kg++) expect(subtaskForKeyGroup(kg, p, 128)).toBe(s);
      }
    }
  });
});
