import type { DeadLetter, DeadLettersEvent, FailureEvent, JobFailure } from '@riffle/shared';
import type { StateCreator } from 'zustand/vanilla';
import type { ConsoleState } from './console-store';

/** Entries kept per list: the newest are what tells what goes wrong; the server keeps more. */
export const ERRORS_KEPT = 100;

export interface ErrorsSlice {
  /** Newest first; undefined until the REST history arrived. */
  failures?: readonly JobFailure[];
  deadLetters?: readonly DeadLetter[];
  /** Dead-lettered records in all (the lists are samples). */
  deadTotal: number;
  /** The REST history (on every (re)subscribe): replaces the lists, keeping pushes it does not have yet. */
  setErrorHistory(h: { failures?: readonly JobFailure[]; deadLetters?: readonly DeadLetter[]; deadTotal?: number }): void;
  /** A `job:failure` push. */
  failureEvent(f: FailureEvent): void;
  /** A `job:dead-letters` push. */
  deadLettersEvent(d: DeadLettersEvent): void;
}

const failureKey = (f: JobFailure) => `${f.ts}|${f.error.code}|${f.error.message}`;
const deadKey = (d: DeadLetter) => `${d.ts}|${d.nodeId}|${d.error}`;

/** `fresh` before `list`, newest first, each entry once, at most {@link ERRORS_KEPT}. */
function merge<T extends { ts: number }>(fresh: readonly T[], list: readonly T[] | undefined, key: (x: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const x of [...fresh, ...(list ?? [])]) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out.sort((a, b) => b.ts - a.ts).slice(0, ERRORS_KEPT);
}

export const createErrorsSlice: StateCreator<ConsoleState, [], [], ErrorsSlice> = (set, get) => ({
  failures: undefined,
  deadLetters: undefined,
  deadTotal: 0,
  setErrorHistory: (h) => {
    const s = get();
    set({
      // A push can arrive before the history it belongs to: merging keeps both.
      ...(h.failures ? { failures: merge(h.failures, s.failures, failureKey) } : {}),
      ...(h.deadLetters ? { deadLetters: merge(h.deadLetters, s.deadLetters, deadKey) } : {}),
      ...(h.deadTotal === undefined ? {} : { deadTotal: h.deadTotal }),
    });
  },
  failureEvent: ({ jobId: _jobId, ...f }) => set({ failures: merge([f], get().failures, failureKey) }),
  deadLettersEvent: (d) => set({ deadLetters: merge(d.deadLetters, get().deadLetters, deadKey), deadTotal: d.total }),
});
