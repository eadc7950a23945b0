/**
 * Snapshot ids as the API takes them. Nothing else reaches a file path: no dots, no slashes, so
 * an id from a request can never leave the job's folder.
 */
export const CHECKPOINT_ID_RE = /^chk-\d{1,15}$/;
export const SAVEPOINT_ID_RE = /^sp-[A-Za-z0-9_-]{1,100}$/;

export const isCheckpointId = (v: unknown): v is string => typeof v === 'string' && CHECKPOINT_ID_RE.test(v);
export const isSavepointId = (v: unknown): v is string => typeof v === 'string' && SAVEPOINT_ID_RE.test(v);

/** The number of `chk-<n>`, or undefined for anything else. */
export function checkpointNumber(id: string): number | undefined {
  return isCheckpointId(id) ? Number(id.slice(4)) : undefined;
}
