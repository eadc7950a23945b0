import type { CompletedSnapshot, JobHandle } from '@riffle/engine';
import { validateSpec, type CheckpointInfo, type JobSpec, type RiffleErrorInfo } from '@riffle/shared';
import { toErrorInfo } from '../engine-errors.js';
import { HttpError, notFound } from '../http-errors.js';
import { isJobId } from '../job-id.js';
import { JobBusyError, type JobManager } from '../job-manager.js';
import type { SnapshotDisk } from './snapshot-disk.js';
import { newestFirst } from './snapshot-disk.js';
import { isCheckpointId, isSavepointId } from './snapshot-ids.js';
import { incompatibility, withParallelism } from './spec-compat.js';
import { isFlinkHandle, targetOf } from '../flink/flink-jobs.js';
import { flinkSnapshotList, flinkTrigger, verifyFlinkSnapshot } from '../flink/flink-snapshots.js';

/** HTTP status of the engine's snapshot errors. */
const SNAPSHOT_STATUS: Record<string, number> = { snapshot_not_found: 404, corrupt_snapshot: 422, incompatible_snapshot: 409 };

/** An engine error about a snapshot as an HTTP answer (404 / 422 / 409, else by its domain). */
export function snapshotError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const info: RiffleErrorInfo = toErrorInfo(err);
  const status = SNAPSHOT_STATUS[info.code];
  return status === undefined ? HttpError.fromRiffle(info) : new HttpError(info.code, info.message, { status, domain: 'user', ...(info.nodeId ? { nodeId: info.nodeId } : {}) });
}

const conflict = (code: string, message: string) => new HttpError(code, message, { status: 409 });

/** A new job's start from another job's savepoint (see {@link SnapshotService.fromSavepoint}). */
export interface SavepointStart {
  /** Operators the new spec removed lose their state instead of being refused. */
  allowNonRestoredState: boolean;
  /** Copies the savepoint into the new job's folder; resolves with its id. */
  prepare(disk: SnapshotDisk): Promise<string>;
}

/** What `POST /api/jobs/:id/checkpoints|savepoints` answers. */
export interface TriggerAnswer {
  id: number;
  snapshotId?: string;
  /** Settles with the snapshot (or rejects) once it completed; not part of the HTTP answer. */
  done: Promise<CompletedSnapshot>;
}

/**
 * Checkpoint and savepoint operations of the REST API over the {@link JobManager}: trigger,
 * list (history merged with what is on disk), restore, stop with savepoint, start from another
 * job's savepoint. Errors are {@link HttpError}s with the status the API documents.
 */
export class SnapshotService {
  constructor(private readonly jobs: JobManager) {}

  /** History of the job's runs plus its snapshots on disk, newest first, `retained` from disk. */
  async list(id: string): Promise<CheckpointInfo[]> {
    if (this.onFlink(id)) return flinkSnapshotList(this.jobs.disk(id).jobDir, this.jobs.checkpointHistory(id));
    const onDisk = new Map((await this.jobs.disk(id).retained()).map((c) => [c.snapshotId!, c]));
    const out = this.jobs.checkpointHistory(id).map((h) => {
      // A failed snapshot's folder is gone; one with the same id on disk is another run's.
      const d = h.status !== 'failed' && h.snapshotId !== undefined ? onDisk.get(h.snapshotId) : undefined;
      if (!d) return { ...h, retained: false };
      onDisk.delete(h.snapshotId!);
      // Its metadata is durable: it is complete even if the engine's event is still on its way.
      return { ...h, status: 'completed' as const, bytes: d.bytes, operators: h.operators ?? d.operators, retained: true };
    });
    return [...out, ...onDisk.values()].sort(newestFirst);
  }

  /** Starts a checkpoint or savepoint; 409 when the job is not running or one is in progress. */
  trigger(id: string, kind: 'checkpoint' | 'savepoint'): TriggerAnswer | Promise<TriggerAnswer> {
    const handle = this.runningHandle(id);
    // Flink queues a manual checkpoint behind one in progress.
    if (isFlinkHandle(handle)) return flinkTrigger(handle, kind).finally(() => this.jobs.checkpointHistory(id));
    if ((handle.checkpoints?.() ?? []).some((c) => c.status === 'in_progress'))
      throw conflict('checkpoint_in_progress', 'a checkpoint of this job is in progress; try again when it completed');
    const before = lastId(handle);
    const done = kind === 'checkpoint' ? handle.triggerCheckpoint!() : handle.triggerSavepoint!();
    done.catch(() => undefined); // the outcome goes out as checkpoint:completed / checkpoint:failed
    const entry = (handle.checkpoints?.() ?? []).at(-1);
    if (entry === undefined || entry.id === before)
      throw conflict('checkpoints_unavailable', 'this job runs without checkpoints (it was started without a checkpoint folder); restart the server or submit the job again');
    this.jobs.checkpointHistory(id); // emits checkpoint:started now rather than at the next poll
    return { id: entry.id, ...(kind === 'checkpoint' ? { snapshotId: `chk-${entry.id}` } : {}), done };
  }

  /**
   * Stop with savepoint, drained as in Flink's `stop --savepointPath`: the engine's sources emit
   * the savepoint's barrier and nothing after it, sinks commit what it covers, and the job ends
   * stopped (see `JobHandle.stopWithSavepoint`). A restore from it neither repeats nor skips a
   * record. A checkpoint in progress completes first. When the savepoint fails the job keeps
   * running and the answer is 409.
   */
  async stopWithSavepoint(id: string): Promise<CompletedSnapshot> {
    const handle = this.runningHandle(id);
    if (!handle.stopWithSavepoint) throw conflict('checkpoints_unavailable', 'this job cannot stop with a savepoint; stop it and restore it from a checkpoint instead');
    let sp: CompletedSnapshot;
    try {
      sp = await handle.stopWithSavepoint();
    } catch (err) {
      throw conflict('savepoint_failed', `the savepoint failed (${err instanceof Error ? err.message : String(err)}); the job keeps running, try again`);
    }
    // The engine has stopped the job; this records it (status, final metrics) like any stop.
    await this.jobs.stop(id);
    return sp;
  }

  /** Parses `{checkpointId | savepointId, parallelism?}`, checks the snapshot and restarts the job from it. */
  async restore(id: string, body: unknown): Promise<string> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const snapshotId = snapshotIdOf(b);
    const record = this.jobs.recordOf(id)!;
    let spec: JobSpec | undefined;
    if (b.parallelism !== undefined) spec = rescaled(record.spec, b.parallelism);
    try {
      // Checked before the running job is stopped: a missing or corrupt snapshot leaves it alone.
      if (this.onFlink(id)) await verifyFlinkSnapshot(this.jobs.disk(id).jobDir, snapshotId);
      else await this.jobs.disk(id).verify(snapshotId);
    } catch (err) {
      throw snapshotError(err);
    }
    let failure;
    try {
      failure = await this.jobs.restart(id, { restoreFrom: snapshotId, ...(spec ? { spec } : {}) });
    } catch (err) {
      if (err instanceof JobBusyError) throw conflict('job_busy', err.message);
      throw err;
    }
    if (failure) throw snapshotError(failure.error);
    return snapshotId;
  }

  /**
   * Checks `{jobId, savepointId, allowNonRestoredState?}` and that `spec` fits the savepoint's job (409 naming the
   * operator otherwise); returns what copies the savepoint into the new job's folder.
   */
  fromSavepoint(spec: JobSpec, from: unknown): SavepointStart {
    const f = (typeof from === 'object' && from !== null ? from : {}) as Record<string, unknown>;
    if (!isJobId(f.jobId)) throw badRequest('bad_job_id', 'restoreFrom.jobId must be a job id from GET /api/jobs');
    if (!isSavepointId(f.savepointId)) throw badRequest('bad_snapshot_id', 'restoreFrom.savepointId must be a savepoint id (sp-…) from GET /api/jobs/:id/checkpoints');
    const source = this.jobs.recordOf(f.jobId);
    if (!source) throw notFound(`job ${f.jobId}`);
    // Flink savepoints live in the cluster's storage and embedded ones in a job's folder: neither
    // target can start from the other's, and a new Flink job from another's is not built yet.
    if (targetOf(source.spec) === 'flink' || targetOf(spec) === 'flink')
      throw new HttpError('unsupported_restore', 'starting a new job from a savepoint works between embedded jobs only; restore the Flink job itself (POST /api/jobs/:id/restore)', { status: 409 });
    if (f.allowNonRestoredState !== undefined && typeof f.allowNonRestoredState !== 'boolean') throw badRequest('bad_restore_option', 'restoreFrom.allowNonRestoredState must be true or false');
    const allowNonRestoredState = f.allowNonRestoredState === true;
    const bad = incompatibility(source.spec, spec, { allowNonRestoredState });
    if (bad) throw new HttpError('incompatible_snapshot', `savepoint ${f.savepointId} cannot start this job: ${bad.message}`, { status: 409, ...(bad.nodeId ? { nodeId: bad.nodeId } : {}) });
    const sourceDisk = this.jobs.disk(f.jobId);
    const savepointId = f.savepointId;
    return {
      allowNonRestoredState,
      prepare: async (disk) => {
        try {
          await sourceDisk.copySavepointTo(disk, savepointId);
        } catch (err) {
          throw snapshotError(err);
        }
        return savepointId;
      },
    };
  }

  /** The job runs on Flink: its snapshots are in the cluster's storage, not in its folder. */
  private onFlink(id: string): boolean {
    const spec = this.jobs.recordOf(id)?.spec;
    return spec !== undefined && targetOf(spec) === 'flink';
  }

  private runningHandle(id: string): JobHandle {
    const handle = this.jobs.handleOf(id);
    if (!handle || (handle.status !== 'running' && handle.status !== 'checkpointing') || !handle.triggerCheckpoint || !handle.triggerSavepoint)
      throw conflict('job_not_running', `job ${id} is not running; start or restore it first`);
    return handle;
  }
}

function lastId(handle: JobHandle): number | undefined {
  return (handle.checkpoints?.() ?? []).at(-1)?.id;
}

function badRequest(code: string, message: string): HttpError {
  return new HttpError(code, message, { status: 400 });
}

function snapshotIdOf(b: Record<string, unknown>): string {
  const { checkpointId: c, savepointId: s } = b;
  if ((c === undefined) === (s === undefined)) throw badRequest('bad_snapshot_id', 'send exactly one of checkpointId (chk-<n>) or savepointId (sp-…), as GET /api/jobs/:id/checkpoints lists them');
  if (c !== undefined && !isCheckpointId(c)) throw badRequest('bad_snapshot_id', 'checkpointId must look like chk-<number>, as GET /api/jobs/:id/checkpoints lists it');
  if (s !== undefined && !isSavepointId(s)) throw badRequest('bad_snapshot_id', 'savepointId must look like sp-<letters, digits, - or _>, as GET /api/jobs/:id/checkpoints lists it');
  return (c ?? s) as string;
}

function rescaled(spec: JobSpec, p: unknown): JobSpec {
  const max = spec.config?.maxParallelism ?? 128;
  if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > Math.min(1024, max))
    throw badRequest('bad_parallelism', `parallelism must be a whole number from 1 to ${Math.min(1024, max)} (the job's maxParallelism)`);
  const v = validateSpec(withParallelism(spec, p as number));
  if (!v.ok || !v.spec) throw badRequest('bad_parallelism', `the job cannot run at parallelism ${String(p)}: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return v.spec;
}
