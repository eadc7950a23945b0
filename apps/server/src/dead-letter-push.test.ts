import { describe, expect, it } from 'vitest';
import { DEAD_LETTERS_PER_PUSH, type DeadLetter } from '@riffle/shared';
import { newDeadLetters } from './dead-letter-push.js';

const dl = (n: number): DeadLetter => ({ nodeId: 'f', error: `bad ${n}`, record: { n }, ts: n });
const sample = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => dl(from + i));

describe('newDeadLetters', () => {
  it('pushes the ones that arrived since the last push, newest first', () => {
    expect(newDeadLetters(sample(1, 3), 3, 0)).toEqual({ push: [dl(3), dl(2), dl(1)], sent: 3 });
    expect(newDeadLetters(sample(1, 5), 5, 3)).toEqual({ push: [dl(5), dl(4)], sent: 5 });
  });

  it('pushes nothing when none arrived', () => {
    expect(newDeadLetters(sample(1, 5), 5, 5)).toEqual({ sent: 5 });
    expect(newDeadLetters([], 0, 0)).toEqual({ sent: 0 });
  });

  it('bounds a flood to a small sample of the newest', () => {
    const r = newDeadLetters(sample(1, 100), 10_000, 0);
    expect(r.push).toHaveLength(DEAD_LETTERS_PER_PUSH);
    expect(r.push![0]).toEqual(dl(100));
    expect(r.sent).toBe(10_000);
  });

  it('counts from zero again after a restart reset the total', () => {
    expect(newDeadLetters(sample(1, 2), 2, 40)).toEqual({ push: [dl(2), dl(1)], sent: 2 });
  });
});
