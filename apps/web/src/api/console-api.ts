import type { CheckpointInfo, CheckpointList, DeadLetterList, FailureList, JobInfo, MetricsSummary } from '@riffle/shared';
import { jobPath, request } from './http';

/** A GET answer: the body, or why there is none (`status` 0 when the server could not be reached). */
export type Fetched<T> = { ok: true; data: T } | { ok: false; status: number; error: string };

async function getJson<T>(path: string): Promise<Fetched<T>> {
  const a = await request('GET', path);
  if (a === undefined) return { ok: false, status: 0, error: 'cannot reach the Riffle server' };
  const { status } = a.res;
  if (!a.res.ok) return { ok: false, status, error: status === 401 ? 'not authorized: open the URL the server printed (it ends in ?token=…)' : `the server answered ${status}` };
  if (a.body === undefined) return { ok: false, status, error: 'the server sent something that is not JSON' };
  return { ok: true, data: a.body as T };
}

/** One job as `GET /api/jobs` lists it, with the fields the jobs table shows. */
export type JobRow = Pick<JobInfo, 'id' | 'name' | 'status' | 'createdAt' | 'startedAt' | 'endedAt' | 'error' | 'target'> & {
  metrics?: MetricsSummary;
  /** Set by servers that track checkpoints. */
  lastCheckpoint?: CheckpointInfo;
};

export const fetchJobs = () => getJson<{ jobs: JobRow[] }>('/api/jobs');
export const fetchCheckpoints = (id: string) => getJson<CheckpointList>(jobPath(id, '/checkpoints'));
export const fetchDeadLetters = (id: string) => getJson<DeadLetterList>(jobPath(id, '/dead-letters'));
export const fetchFailures = (id: string) => getJson<FailureList>(jobPath(id, '/failures'));
