import type { JobInfo, JobSpecInput, ValidationErrorBody } from '@riffle/shared';
import { authHeaders } from './access-token';

/** The REST calls the web app makes; the only place that knows URLs. */
export type SubmitResult =
  | { ok: true; id: string }
  | { ok: false; error: string; problems?: ValidationErrorBody['errors'] };

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown, res: Response): string {
  const b = body as { message?: unknown; error?: unknown } | undefined;
  if (typeof b?.message === 'string') return b.message;
  if (typeof b?.error === 'string') return b.error;
  if (b?.error && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  return `the server answered ${res.status} ${res.statusText}`.trim();
}

/** POST /api/jobs: starts a job from a spec. */
export async function submitJob(spec: JobSpecInput): Promise<SubmitResult> {
  let res: Response;
  try {
    res = await fetch('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify(spec) });
  } catch {
    return { ok: false, error: 'cannot reach the Riffle server; is it running?' };
  }
  const body = await readJson(res);
  if (res.ok && typeof (body as { id?: unknown })?.id === 'string') return { ok: true, id: (body as { id: string }).id };
  if (res.status === 400 && (body as ValidationErrorBody | undefined)?.error === 'invalid_spec') {
    const problems = (body as ValidationErrorBody).errors ?? [];
    return { ok: false, error: `the server rejected the spec (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems };
  }
  return { ok: false, error: messageOf(body, res) };
}

/** POST /api/jobs/:id/stop. Resolves with the job when the server returns it. */
export async function stopJob(id: string): Promise<JobInfo | undefined> {
  const res = await fetch(`/api/jobs/${encodeURIComponent(id)}/stop`, { method: 'POST', headers: authHeaders() });
  const body = await readJson(res);
  if (!res.ok) throw new Error(messageOf(body, res));
  return (body as JobInfo | undefined)?.status ? (body as JobInfo) : undefined;
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
  try {
    const res = await fetch('/api/jobs', { headers: authHeaders() });
    if (!res.ok) return [];
    const body = (await readJson(res)) as { jobs?: JobListItem[] } | undefined;
    return body?.jobs ?? [];
  } catch {
    return [];
  }
}

/** GET /api/jobs/:id; undefined when it is gone or unreachable. */
export async function getJob(id: string): Promise<JobInfo | undefined> {
  try {
    const res = await fetch(`/api/jobs/${encodeURIComponent(id)}`, { headers: authHeaders() });
    return res.ok ? ((await readJson(res)) as JobInfo) : undefined;
  } catch {
    return undefined;
  }
}
