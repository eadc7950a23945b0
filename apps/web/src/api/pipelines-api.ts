import type { JobSpecInput, PipelineSaved, PipelineSummary, PipelineVersion, PipelineVersionInfo, VersionConflictBody } from '@riffle/shared';
import { request, serverMessage, UNREACHABLE, type Answer } from './http';

/** The answer to a save: saved, refused as stale (409), or failed with the server's message. */
export type SaveResult =
  | ({ ok: true } & PipelineSaved)
  | { ok: false; conflict: VersionConflictBody }
  | { ok: false; conflict?: undefined; error: string };

const messageOf = (r: Answer) => serverMessage(r) ?? `the server answered ${r.res.status}`;

/**
 * Saves the canvas: `POST /api/pipelines` for a pipeline not saved yet, else `PUT` based on the
 * version it was loaded from or last saved as.
 */
export async function savePipeline(name: string, spec: JobSpecInput, base?: { id: string; version: number }): Promise<SaveResult> {
  const r = base
    ? await request('PUT', `/api/pipelines/${encodeURIComponent(base.id)}`, { name, spec, baseVersion: base.version })
    : await request('POST', '/api/pipelines', { name, spec });
  if (!r) return { ok: false, error: UNREACHABLE };
  if (r.res.ok) return { ok: true, ...(r.body as PipelineSaved) };
  if (r.res.status === 409 && (r.body as VersionConflictBody)?.error === 'version_conflict') return { ok: false, conflict: r.body as VersionConflictBody };
  return { ok: false, error: messageOf(r) };
}

/** `GET /api/pipelines`, newest save first. */
export async function listPipelines(): Promise<{ ok: true; pipelines: PipelineSummary[] } | { ok: false; error: string }> {
  const r = await request('GET', '/api/pipelines');
  if (!r) return { ok: false, error: UNREACHABLE };
  if (!r.res.ok) return { ok: false, error: messageOf(r) };
  return { ok: true, pipelines: (r.body as { pipelines: PipelineSummary[] }).pipelines };
}

/** `GET /api/pipelines/:id/versions`, oldest first. */
export async function listVersions(id: string): Promise<{ ok: true; versions: PipelineVersionInfo[] } | { ok: false; error: string }> {
  const r = await request('GET', `/api/pipelines/${encodeURIComponent(id)}/versions`);
  if (!r) return { ok: false, error: UNREACHABLE };
  if (!r.res.ok) return { ok: false, error: messageOf(r) };
  return { ok: true, versions: (r.body as { versions: PipelineVersionInfo[] }).versions };
}

/** `GET /api/pipelines/:id` (the latest version) or `/versions/:v`. */
export async function fetchPipeline(id: string, version?: number): Promise<{ ok: true; pipeline: PipelineVersion } | { ok: false; error: string }> {
  const r = await request('GET', `/api/pipelines/${encodeURIComponent(id)}${version === undefined ? '' : `/versions/${version}`}`);
  if (!r) return { ok: false, error: UNREACHABLE };
  if (!r.res.ok) return { ok: false, error: messageOf(r) };
  return { ok: true, pipeline: r.body as PipelineVersion };
}
