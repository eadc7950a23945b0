import type { DeadLetter, JobFailure } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { createConsoleStore } from './console-store';
import { ERRORS_KEPT } from './errors-slice';

const dead = (ts: number, nodeId = 'parse'): DeadLetter => ({ ts, nodeId, error: `bad at ${ts}`, record: { ts } });
const failure = (ts: number): JobFailure => ({ ts, status: 'restarting', error: { code: 'x', message: `boom ${ts}`, domain: 'internal', retryable: true } });

describe('console store: failures and dead letters', () => {
  it('starts unknown, then shows the REST history', () => {
    const s = createConsoleStore();
    expect(s.getState().failures).toBeUndefined();
    s.getState().setErrorHistory({ failures: [failure(2), failure(1)], deadLetters: [dead(5), dead(4)], deadTotal: 9 });
    expect(s.getState().failures!.map((f) => f.ts)).toEqual([2, 1]);
    expect(s.getState().deadLetters!.map((d) => d.ts)).toEqual([5, 4]);
    expect(s.getState().deadTotal).toBe(9);
  });

  it('puts pushed entries first and takes the pushed total', () => {
    const s = createConsoleStore();
    s.getState().setErrorHistory({ failures: [failure(1)], deadLetters: [dead(1)], deadTotal: 1 });
    s.getState().deadLettersEvent({ jobId: 'j', deadLetters: [dead(3), dead(2)], total: 3 });
    s.getState().failureEvent({ jobId: 'j', ...failure(7) });
    expect(s.getState().deadLetters!.map((d) => d.ts)).toEqual([3, 2, 1]);
    expect(s.getState().deadTotal).toBe(3);
    expect(s.getState().failures).toEqual([failure(7), failure(1)]);
  });

  it('keeps a push that arrived before the history, and each entry once', () => {
    const s = createConsoleStore();
    s.getState().deadLettersEvent({ jobId: 'j', deadLetters: [dead(3)], total: 3 });
    s.getState().setErrorHistory({ deadLetters: [dead(3), dead(2), dead(1)], deadTotal: 3 });
    expect(s.getState().deadLetters!.map((d) => d.ts)).toEqual([3, 2, 1]);
  });

  it('stays bounded under a flood of pushes', () => {
    const s = createConsoleStore();
    for (let i = 0; i < 30; i++) s.getState().deadLettersEvent({ jobId: 'j', deadLetters: Array.from({ length: 20 }, (_, k) => dead(i * 20 + k)), total: (i + 1) * 20 });
    expect(s.getState().deadLetters).toHaveLength(ERRORS_KEPT);
    expect(s.getState().deadLetters![0]!.ts).toBe(599);
  });
});
