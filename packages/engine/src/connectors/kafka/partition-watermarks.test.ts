import { describe, expect, it } from 'vitest';
import { PartitionWatermarks } from './partition-watermarks.js';

describe('PartitionWatermarks', () => {
  it('emits the minimum over partitions: a fast partition does not make a slow one late', () => {
    const w = new PartitionWatermarks([0, 1], 10, undefined, 0);
    w.onRecord(0, 1000, 0);
    expect(w.current(0)).toBe(-Infinity); // partition 1 has seen nothing yet
    w.onRecord(1, 500, 0);
    expect(w.current(0)).toBe(489);
    w.onRecord(1, 2000, 0);
    expect(w.current(0)).toBe(989);
  });

  it('an idle partition stops holding the watermark back, and holds it again when it resumes', () => {
    const w = new PartitionWatermarks([0, 1], 0, 1000, 0);
    w.onRecord(0, 5000, 100);
    expect(w.current(500)).toBe(-Infinity);
    expect(w.current(1000)).toBe(4999); // partition 1 idle since 0
    w.onRecord(1, 3000, 1500);
    expect(w.current(1500)).toBe(2999);
    expect(w.current(5000)).toBeUndefined(); // all idle: hold
  });

  it('without an idle timeout an empty partition holds the watermark; finished partitions do not', () => {
    const w = new PartitionWatermarks([0, 1], 0, undefined, 0);
    w.onRecord(0, 5000, 0);
    expect(w.current(1e9)).toBe(-Infinity);
    w.finish(1);
    expect(w.current(1e9)).toBe(4999);
    w.finish(0);
    expect(w.current(1e9)).toBe(Infinity);
    expect(new PartitionWatermarks([], 0, undefined, 0).current(0)).toBe(Infinity);
  });
});
