import type { JobInfo, JobSpecInput, ValidationErrorBody } from '@riffle/shared';
import { jobPath, request, serverMessage, UNREACHABLE, type Answer } from './http';

/** The REST calls the web app makes; the only place that knows URLs. */
export type SubmitResult =
  | { ok: true; id: string }
  | { ok: false; error: string; problems?: ValidationErrorBody['errors'] };

/** The server's words for a failed answer: its `message`, its `error` text, else the status. */
function messageOf(a: Answer): string {
  const b = a.body as { error?: unknown } | undefined;
  if (serverMessage(a)) return serverMessage(a)!;
  if (typeof b?.error === 'string') return b.error;
  if (b?.error && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  return `the server answered ${a.res.status} ${a.res.statusText}`.trim();
}

/** POST /api/jobs: starts a job from a spec, where its `config.target` says (embedded without one). */
export async function submitJob(spec: JobSpecInput): Promise<SubmitResult> {
  const a = await request('POST', '/api/jobs', spec);
  if (a === undefined) return { ok: false, error: UNREACHABLE };
  const body = a.body as { id?: unknown } | ValidationErrorBody | undefined;
  if (a.res.ok && typeof (body as { id?: unknown })?.id === 'string') return { ok: true, id: (body as { id: string }).id };
  if (a.res.status === 400 && (body as ValidationErrorBody | undefined)?.error === 'invalid_spec') {
    const problems = (body as ValidationErrorBody).errors ?? [];
    return { ok: false, error: `the server rejected the spec (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems };
  }
  return { ok: false, error: messageOf(a) };
}

/** What `POST /api/jobs/:id/stop` answers: the job, and the savepoint when asked for one. */
export type StopAnswer = JobInfo & { savepoint?: { snapshotId?: string; id?: number } };

/**
 * POST /api/jobs/:id/stop; with `savepoint` the server first takes a savepoint and stops only once
 * it is durable (a failed savepoint leaves the job running and rejects with the server's words).
 * Resolves with the job when the server returns it.
 */
export async function stopJob(id: string, opts: { savepoint?: boolean } = {}): Promise<StopAnswer | undefined> {
  const a = await request('POST', jobPath(id, '/stop'), opts.savepoint ? { savepoint: true } : undefined);
  if (a === undefined) throw new Error(UNREACHABLE);
  if (!a.res.ok) throw new Error(messageOf(a));
  return (a.body as StopAnswer | undefined)?.status ? (a.body as StopAnswer) : undefined;
}

/** A job as `GET /api/jobs` lists it. */
export interface JobListItem {
  id: string;
  name: string;
  status: JobInfo['status'];
  createdAt: number;
}

/** GET /api/jobs, newest first; empty when the server cannot be reached. */
export async function listJobs(): Promise<JobListItem[]> {
  const a = await request('GET', '/api/jobs');
  return a?.res.ok ? ((a.body as { jobs?: JobListItem[] } | undefined)?.jobs ?? []) : [];
}

/** GET /api/jobs/:id; undefined when it is gone or unreachable. */
export async function getJob(id: string): Promise<JobInfo | undefined> {
  const a = await request('GET', jobPath(id));
  return a?.res.ok ? (a.body as JobInfo | undefined) : undefined;
}
