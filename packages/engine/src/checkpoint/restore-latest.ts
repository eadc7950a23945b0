import type { EngineLogger } from '../api.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { CorruptSnapshotError, SnapshotNotFoundError } from './errors.js';
import { decodeForRestore, loadForRestore, type RestoreData } from './restore.js';
import type { SnapshotStorage } from './snapshot-storage.js';

/** `EngineOptions.restoreFrom` value meaning "the newest completed checkpoint that verifies". */
export const LATEST = 'latest';

/**
 * Automatic recovery of a job whose user restored an older snapshot (Flink restarts from the
 * newest checkpoint of the *current* run lineage): the newest checkpoint numbered `since` or
 * later (taken after the restore) that verifies, else the restored snapshot `pinned` itself.
 * Checkpoints from before the restore are never used, even when their ids are higher.
 */
export interface PinnedRecovery {
  since: number;
  pinned: string;
}

/** What a run restores from: an explicit snapshot id, {@link LATEST}, or a pinned recovery. */
export type RestoreFrom = string | PinnedRecovery;

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
 * Savepoints are never "latest": they are the user's, taken for a purpose. A
 * {@link PinnedRecovery} looks only at checkpoints numbered `since` or later, then at `pinned`.
 */
export async function resolveRestore(
  storage: SnapshotStorage,
  restoreFrom: RestoreFrom,
  plan: PhysicalPlan,
  logger: EngineLogger,
  allowNonRestoredState = false,
): Promise<{ data: RestoreData | undefined; report: RestoreReport }> {
  if (typeof restoreFrom === 'string' && restoreFrom !== LATEST) {
    const data = await loadForRestore(storage, restoreFrom, plan, allowNonRestoredState);
    return { data, report: { snapshotId: data.id, skipped: [] } };
  }
  const since = typeof restoreFrom === 'string' ? 0 : restoreFrom.since;
  const skipped: RestoreReport['skipped'] = [];
  for (const id of await storage.checkpointIds()) {
    if (Number(id.slice('chk-'.length)) < since) continue;
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
  if (typeof restoreFrom !== 'string') {
    // Nothing verifies since the restore: back to what the user restored (its errors propagate).
    const data = await loadForRestore(storage, restoreFrom.pinned, plan);
    return { data, report: { snapshotId: data.id, skipped } };
  }
  return { data: undefined, report: { skipped } };
}
