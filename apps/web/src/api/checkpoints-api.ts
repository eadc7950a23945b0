import type { CheckpointInfo, CheckpointList } from '@riffle/shared';
import { jobPath, request, serverMessage, UNREACHABLE } from './http';

/** An API error answer with the server's message (what to do next) and its stable code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const a = await request(method, path, body);
  if (a === undefined) throw new ApiError(UNREACHABLE, 0);
  if (!a.res.ok) {
    const code = (a.body as { error?: unknown } | undefined)?.error;
    throw new ApiError(serverMessage(a) ?? `the server answered ${a.res.status} ${a.res.statusText}`.trim(), a.res.status, typeof code === 'string' ? code : undefined);
  }
  return a.body as T;
}

/** GET /api/jobs/:id/checkpoints: history and retained snapshots, newest first. */
export async function listCheckpoints(jobId: string): Promise<CheckpointInfo[]> {
  return (await call<CheckpointList>('GET', `${jobPath(jobId)}/checkpoints`)).checkpoints;
}

/** POST /api/jobs/:id/checkpoints | savepoints: starts one; it completes asynchronously. */
export function triggerSnapshot(jobId: string, kind: 'checkpoint' | 'savepoint'): Promise<{ id: number; snapshotId?: string }> {
  return call('POST', `${jobPath(jobId)}/${kind}s`);
}

/**
 * POST /api/jobs/:id/restore: restarts the job from a retained checkpoint or savepoint, at
 * `parallelism` when given (its keyed state is redistributed by key group).
 */
export function restoreSnapshot(jobId: string, snapshot: Pick<CheckpointInfo, 'kind' | 'snapshotId'>, parallelism?: number): Promise<unknown> {
  const body = snapshot.kind === 'savepoint' ? { savepointId: snapshot.snapshotId } : { checkpointId: snapshot.snapshotId };
  return call('POST', `${jobPath(jobId)}/restore`, parallelism === undefined ? body : { ...body, parallelism });
}
