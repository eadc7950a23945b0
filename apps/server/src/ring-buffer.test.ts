import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items in order once full', () => {
    const b = new RingBuffer<number>(3);
    expect(b.toArray()).toEqual([]);
    expect(b.last()).toBeUndefined();
    for (let i = 1; i <= 5; i++) b.push(i);
    expect(b.toArray()).toEqual([3, 4, 5]);
    expect(b.last()).toBe(5);
    expect(b.size).toBe(3);
    b.push(6);
    expect(b.toArray()).toEqual([4, 5, 6]);
    expect(b.last()).toBe(6);
  });

  it('rejects a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
