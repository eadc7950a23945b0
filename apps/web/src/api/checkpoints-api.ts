import type { CheckpointInfo, CheckpointList } from '@riffle/shared';
import { authHeaders } from './access-token';

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
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('cannot reach the Riffle server; is it running?', 0);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const b = json as { message?: unknown; error?: unknown } | undefined;
    const message = typeof b?.message === 'string' ? b.message : `the server answered ${res.status} ${res.statusText}`.trim();
    throw new ApiError(message, res.status, typeof b?.error === 'string' ? b.error : undefined);
  }
  return json as T;
}

const jobPath = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

/** GET /api/jobs/:id/checkpoints: history and retained snapshots, newest first. */
export async function listCheckpoints(jobId: string): Promise<CheckpointInfo[]> {
  return (await call<CheckpointList>('GET', `${jobPath(jobId)}/checkpoints`)).checkpoints;
}

/** POST /api/jobs/:id/checkpoints | savepoints: starts one; it completes asynchronously. */
export function triggerSnapshot(jobId: string, kind: 'checkpoint' | 'savepoint'): Promise<{ id: number; snapshotId?: string }> {
  return call('POST', `${jobPath(jobId)}/${kind}s`);
}

/** POST /api/jobs/:id/restore: restarts the job from a retained checkpoint or savepoint. */
export function restoreSnapshot(jobId: string, snapshot: Pick<CheckpointInfo, 'kind' | 'snapshotId'>): Promise<unknown> {
  const body = snapshot.kind === 'savepoint' ? { savepointId: snapshot.snapshotId } : { checkpointId: snapshot.snapshotId };
  return call('POST', `${jobPath(jobId)}/restore`, body);
}
