import { randomBytes } from 'node:crypto';

/**
 * Job ids are lower-case letters, digits and `-`; nothing else reaches a file path, so an id
 * from a URL can never climb out of `DATA_DIR/jobs`.
 */
export const JOB_ID_RE = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID_RE.test(value);
}

/** A new id that sorts by creation time: base-36 milliseconds, then 40 random bits. */
export function newJobId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}
