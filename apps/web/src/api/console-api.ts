import type { CheckpointInfo, CheckpointList, DeadLetterList, FailureList, JobInfo, MetricsSummary } from '@riffle/shared';
import { authHeaders } from './access-token';
import { jobPath } from './http';

/** A GET answer: the body, or why there is none (`status` 0 when the server could not be reached). */
export type Fetched<T> = { ok: true; data: T } | { ok: false; status: number; error: string };

async function getJson<T>(path: string): Promise<Fetched<T>> {
  let res: Response;
  try {
    res = await fetch(path, { headers: authHeaders() });
  } catch {
    return { ok: false, status: 0, error: 'cannot reach the Riffle server' };
  }
  if (!res.ok) return { ok: false, status: res.status, error: res.status === 401 ? 'not authorized: open the URL the server printed (it ends in ?token=…)' : `the server answered ${res.status}` };
  try {
    return { ok: true, data: (await res.json()) as T };
  } catch {
    return { ok: false, status: res.status, error: 'the server sent something that is not JSON' };
  }
}


/** One job as `GET /api/jobs` lists it, with the fields the jobs table shows. */
export type JobRow = Pick<JobInfo, 'id' | 'name' | 'status' | 'createdAt' | 'startedAt' | 'endedAt' | 'error'> & {
  metrics?: MetricsSummary;
  /** Set by servers that track checkpoints. */
  lastCheckpoint?: CheckpointInfo;
};

export const fetchJobs = () => getJson<{ jobs: JobRow[] }>('/api/jobs');
export const fetchCheckpoints = (id: string) => getJson<CheckpointList>(jobPath(id, '/checkpoints'));
export const fetchDeadLetters = (id: string) => getJson<DeadLetterList>(jobPath(id, '/dead-letters'));
export const fetchFailures = (id: string) => getJson<FailureList>(jobPath(id, '/failures'));
