/** A warning sink: a message and the error behind it. */
export type Warn = (msg: string, err: unknown) => void;

/** How long the same warning stays quiet after it was written. */
export const REPEAT_QUIET_MS = 60_000;

/**
 * Polling Flink (and a source's brokers for its lag) once a second would write the same warning
 * once a second while a cluster or broker is down. This passes the first of each message on,
 * counts its repeats for `quietMs`, and the next one after that says how many it stands for.
 */
export function quietRepeats(warn: Warn, quietMs = REPEAT_QUIET_MS, now: () => number = Date.now): Warn {
  const last = new Map<string, { at: number; repeats: number }>();
  return (msg, err) => {
    const t = now();
    const seen = last.get(msg);
    if (seen !== undefined && t - seen.at < quietMs) {
      seen.repeats++;
      return;
    }
    last.set(msg, { at: t, repeats: 0 });
    warn(seen !== undefined && seen.repeats > 0 ? `${msg} (${seen.repeats} more times since ${new Date(seen.at).toISOString()})` : msg, err);
  };
}
