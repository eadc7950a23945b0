import { describe, expect, it } from 'vitest';
import { parallelismToSend, parseParallelism } from './restore-parallelism';

describe('parseParallelism', () => {
  it('takes whole numbers within the key groups', () => {
    expect(parseParallelism(' 3 ', 128)).toEqual({ ok: true, value: 3 });
    expect(parseParallelism('128', 128)).toEqual({ ok: true, value: 128 });
  });

  it('refuses what the server would refuse, saying the range', () => {
    for (const bad of ['', '0', '-1', '2.5', 'two', '129']) expect(parseParallelism(bad, 128)).toEqual({ ok: false, error: "a whole number from 1 to 128 (the job's key groups)" });
    // The server caps at 1024 even with more key groups.
    expect(parseParallelism('1025', 4096).ok).toBe(false);
  });
});

describe('parallelismToSend', () => {
  it('sends a parallelism only when it changes', () => {
    expect(parallelismToSend(2, 2)).toBeUndefined();
    expect(parallelismToSend(3, 2)).toBe(3);
    expect(parallelismToSend(1, undefined)).toBe(1);
  });
});
