/** The server's cap on parallelism, whatever the job's maxParallelism. */
const SERVER_MAX = 1024;

/** What a restore's parallelism field holds: a whole number the job can run at, or why not. */
export type ParallelismChoice = { ok: true; value: number } | { ok: false; error: string };

/**
 * Reads the parallelism a user typed into the restore confirmation. The job's key groups
 * (`maxParallelism`) bound it: state is redistributed by key group, so no more subtasks than key
 * groups. Same rule as the server's, said before the request rather than after.
 * @example
 * parseParallelism('3', 128) // { ok: true, value: 3 }
 */
export function parseParallelism(text: string, maxParallelism: number): ParallelismChoice {
  const max = Math.min(SERVER_MAX, maxParallelism);
  const t = text.trim();
  const n = Number(t);
  if (t === '' || !Number.isInteger(n) || n < 1 || n > max) return { ok: false, error: `a whole number from 1 to ${max} (the job's key groups)` };
  return { ok: true, value: n };
}

/** The parallelism to send with a restore: undefined when it is the job's current one (nothing to change). */
export const parallelismToSend = (chosen: number, current: number | undefined): number | undefined => (chosen === current ? undefined : chosen);
