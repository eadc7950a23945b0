import type { EngineOptions, JobHandle } from '@riffle/engine';
import { withEventTimeOrigin, type JobSpec } from '@riffle/shared';
import type { JobRecord } from '../job-views.js';
import type { Logger } from '../logger.js';
import type { SnapshotDisk } from './snapshot-disk.js';

type StartJob = (spec: JobSpec, options: EngineOptions) => Promise<JobHandle>;

/**
 * Starts the engine with the job's folder as `checkpointDir` (and `restoreFrom` when given).
 * Generated event time without an explicit start begins when the job was created, the same on
 * every restore and after a server restart (the record's spec keeps no start of its own).
 */
export function startEngine(
  startJob: StartJob,
  record: JobRecord,
  base: Omit<EngineOptions, 'jobId' | 'checkpointDir' | 'restoreFrom'>,
  checkpointDir: string,
  restoreFrom: string | undefined,
): Promise<JobHandle> {
  return startJob(withEventTimeOrigin(record.spec, record.createdAt), { ...base, jobId: record.id, checkpointDir, ...(restoreFrom === undefined ? {} : { restoreFrom }) });
}

/**
 * Where a job resumes after a server restart: the engine's `'latest'` (the newest checkpoint that
 * verifies; corrupt ones are passed over, none: from the beginning). After a user's restore it is
 * the newest valid checkpoint taken since (numbered above `resume.after`), else the restored
 * snapshot itself: never a checkpoint of the run the restore abandoned.
 */
export async function resumePoint(disk: SnapshotDisk, record: JobRecord, log: Logger): Promise<string> {
  const pin = record.resume;
  if (pin === undefined) return 'latest';
  try {
    const latest = await disk.latestRestorable(pin.after, (id, reason) => log.warn({ snapshot: id, reason }, 'skipping a corrupt checkpoint; trying the previous one'));
    return latest ?? pin.from;
  } catch (err) {
    log.error({ err: String(err) }, "could not read the job's checkpoints");
    return pin.from;
  }
}
