import { DEAD_LETTERS_PER_PUSH, type DeadLetter } from '@riffle/shared';

/** What to push after a metrics sample: the new dead letters (newest first), if any, and the new mark. */
export interface DeadLetterPush {
  push?: DeadLetter[];
  /** The dead-letter total pushed so far; pass it to the next call. */
  sent: number;
}

/**
 * Picks the dead letters that arrived since the last push. The engine keeps a bounded sample
 * (newest last) and a running total; the total's growth says how many of the newest are new.
 * At most {@link DEAD_LETTERS_PER_PUSH} go out, so a flood costs one small message a second.
 * A total below the mark means the job restarted (counters restart at zero): count from there.
 * @example
 * const { push, sent } = newDeadLetters(handle.deadLetters(), metrics.deadLetters, job.deadSent);
 */
export function newDeadLetters(sample: readonly DeadLetter[], total: number, sent: number): DeadLetterPush {
  const from = total < sent ? 0 : sent;
  const fresh = Math.min(total - from, sample.length, DEAD_LETTERS_PER_PUSH);
  if (fresh <= 0) return { sent: total };
  return { push: sample.slice(-fresh).reverse(), sent: total };
}
