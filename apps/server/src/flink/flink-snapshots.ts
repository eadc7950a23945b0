import type { CheckpointInfo } from '@riffle/shared';
import { HttpError } from '../http-errors.js';
import type { FlinkJobHandle } from './flink-job-handle.js';
import { readFlinkState } from './flink-state-file.js';
import { FlinkRestError } from './flink-rest.js';
import { FlinkSnapshotError } from './flink-triggers.js';

/**
 * Checkpoint and savepoint answers for jobs on Flink, where snapshots live in the cluster's
 * storage rather than the job's folder: which are restorable is what `flink.json` recorded as
 * completed by Flink (and not discarded since).
 */

/** The job's history with `retained` from what Flink completed for it, newest first. */
export async function flinkSnapshotList(jobDir: string, history: CheckpointInfo[]): Promise<CheckpointInfo[]> {
  const known = (await readFlinkState(jobDir))?.snapshots ?? {};
  return history
    .map((h) => ({ ...h, retained: h.status === 'completed' && h.snapshotId !== undefined && known[h.snapshotId] !== undefined }))
    .sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
}

/** 404 `snapshot_not_found` unless Flink completed `snapshotId` for this job. */
export async function verifyFlinkSnapshot(jobDir: string, snapshotId: string): Promise<void> {
  const known = (await readFlinkState(jobDir))?.snapshots ?? {};
  if (known[snapshotId] === undefined)
    throw new HttpError('snapshot_not_found', `snapshot ${snapshotId} is not one Flink completed for this job; pick one from GET /api/jobs/:id/checkpoints`, { status: 404 });
}

/**
 * Takes a checkpoint or savepoint on Flink and waits for it (Flink names a manual checkpoint only
 * once it completed); 409 when Flink declines or fails it. The job runs on either way.
 */
export async function flinkTrigger(handle: FlinkJobHandle, kind: 'checkpoint' | 'savepoint') {
  try {
    const c = kind === 'checkpoint' ? await handle.triggerCheckpoint() : await handle.triggerSavepoint();
    return { id: c.id, snapshotId: c.snapshotId, done: Promise.resolve(c) };
  } catch (err) {
    if (err instanceof FlinkSnapshotError) throw new HttpError(err.code, `${err.message}; the job keeps running, try again`, { status: 409 });
    // Flink refused the trigger itself (its REST answer names why); unreachable stays a 502.
    if (err instanceof FlinkRestError && err.code !== 'flink_unreachable')
      throw new HttpError(`${kind}_failed`, `${err.message}; the job keeps running, try again`, { status: 409, domain: 'external', retryable: true });
    throw err;
  }
}
