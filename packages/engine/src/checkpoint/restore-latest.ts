import type { EngineLogger } from '../api.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { CorruptSnapshotError, SnapshotNotFoundError } from './errors.js';
import { decodeForRestore, loadForRestore, type RestoreData } from './restore.js';
import type { SnapshotStorage } from './snapshot-storage.js';

/** `EngineOptions.restoreFrom` value meaning "the newest completed checkpoint that verifies". */
export const LATEST = 'latest';

/** What a job run started from, and which newer checkpoints it passed over and why. */
export interface RestoreReport {
  /** `chk-<n>` or `sp-…`; undefined: a fresh start (no valid checkpoint). */
  snapshotId?: string;
  /** Newer checkpoints that did not verify (newest first), with the reason naming the file. */
  skipped: Array<{ snapshotId: string; error: string }>;
}

/**
 * Resolves `restoreFrom`: an explicit id must load (its errors propagate); `latest` walks the
 * checkpoints newest first, passing over corrupt ones (logged and reported, so recovery falls back
 * to the previous retained checkpoint rather than failing) and folders that never got their
 * `_metadata` (never completed: not a checkpoint). No valid checkpoint → a fresh start.
 * Savepoints are never "latest": they are the user's, taken for a purpose.
 */
export async function resolveRestore(
  storage: SnapshotStorage,
  restoreFrom: string,
  plan: PhysicalPlan,
  logger: EngineLogger,
  allowNonRestoredState = false,
): Promise<{ data: RestoreData | undefined; report: RestoreReport }> {
  if (restoreFrom !== LATEST) {
    const data = await loadForRestore(storage, restoreFrom, plan, allowNonRestoredState);
    return { data, report: { snapshotId: data.id, skipped: [] } };
  }
  const skipped: RestoreReport['skipped'] = [];
  for (const id of await storage.checkpointIds()) {
    try {
      const data = decodeForRestore(await storage.load(id), plan, allowNonRestoredState);
      return { data, report: { snapshotId: id, skipped } };
    } catch (e) {
      if (e instanceof SnapshotNotFoundError) continue;
      if (!(e instanceof CorruptSnapshotError)) throw e;
      logger.warn('skipping a checkpoint that does not verify', { jobId: storage.jobId, snapshot: id, error: e.message });
      skipped.push({ snapshotId: id, error: e.message });
    }
  }
  return { data: undefined, report: { skipped } };
}
