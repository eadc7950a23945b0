import express, { type Request, type Router } from 'express';
import {
  MAX_PIPELINE_BYTES,
  MAX_PIPELINE_NAME,
  validateSpec,
  type PipelineSaved,
  type PipelineVersion,
  type SpecProblem,
} from '@riffle/shared';
import { HttpError } from '../http-errors.js';
import { isJobId } from '../job-id.js';
import type { PipelineStore, StoredVersion } from '../pipeline-store.js';

/**
 * `/api/pipelines`: the builder's saved pipelines, each with numbered versions. A save names the
 * version it started from (`baseVersion`); a stale one gets 409 `version_conflict` with the
 * current version, so the editor can offer "load theirs" or "overwrite". Drafts are stored as
 * they are (work in progress need not be a valid spec); answers carry their validation problems.
 */
export function pipelinesRouter(store: PipelineStore): Router {
  const r = express.Router();

  r.get('/', async (_req, res) => {
    res.json({ pipelines: await store.list() });
  });

  r.post('/', async (req, res) => {
    const body = objectBody(req);
    const name = pipelineName(body.name, true)!;
    const spec = draftSpec(body.spec);
    const saved = await store.create(name, spec);
    res.status(201).location(`/api/pipelines/${saved.id}`).json({ id: saved.id, version: saved.version, problems: problemsOf(spec) } satisfies PipelineSaved);
  });

  r.get('/:id', async (req, res) => {
    res.json(view(await found(store.get(pipelineId(req)), req)));
  });

  r.get('/:id/versions', async (req, res) => {
    const versions = await store.versions(pipelineId(req));
    if (versions === undefined) throw notFound(req);
    res.json({ versions });
  });

  r.get('/:id/versions/:v', async (req, res) => {
    const v = req.params.v;
    if (typeof v !== 'string' || !/^[1-9]\d{0,8}$/.test(v)) throw new HttpError('bad_version', 'versions are whole numbers from 1; list them with GET /api/pipelines/:id/versions');
    res.json(view(await found(store.get(pipelineId(req), Number(v)), req)));
  });

  r.put('/:id', async (req, res) => {
    const id = pipelineId(req);
    const body = objectBody(req);
    const spec = draftSpec(body.spec);
    const name = pipelineName(body.name, false);
    const base = body.baseVersion;
    if (!Number.isInteger(base) || (base as number) < 1)
      throw new HttpError('bad_base_version', 'send `baseVersion`: the version you loaded or last saved (a whole number from 1)');
    const result = await store.update(id, { spec, baseVersion: base as number, ...(name === undefined ? {} : { name }) });
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound(req);
      throw new HttpError(
        'version_conflict',
        `someone saved version ${result.currentVersion} of this pipeline after the version ${String(base)} you edited; load their version, or save again with baseVersion ${result.currentVersion} to overwrite it`,
        { status: 409, extra: { currentVersion: result.currentVersion } },
      );
    }
    res.json({ id, version: result.summary.version, problems: problemsOf(spec) } satisfies PipelineSaved);
  });

  r.delete('/:id', async (req, res) => {
    if (!(await store.remove(pipelineId(req)))) throw notFound(req);
    res.status(204).end();
  });

  return r;
}

function view(v: StoredVersion): PipelineVersion {
  return { id: v.id, name: v.name, version: v.version, updatedAt: v.savedAt, spec: v.spec, problems: problemsOf(v.spec) };
}

function problemsOf(spec: Record<string, unknown>): SpecProblem[] {
  return validateSpec(spec).errors;
}

async function found<T>(p: Promise<T | undefined>, req: Request): Promise<T> {
  const v = await p;
  if (v === undefined) throw notFound(req);
  return v;
}

const notFound = (req: Request) =>
  new HttpError('not_found', `pipeline ${String(req.params.id)}${req.params.v ? ` version ${String(req.params.v)}` : ''} does not exist; list pipelines with GET /api/pipelines`, { status: 404 });

function pipelineId(req: Request): string {
  const id = req.params.id;
  if (!isJobId(id)) throw new HttpError('bad_pipeline_id', 'pipeline ids are 3-64 lower-case letters, digits and dashes; copy the id from GET /api/pipelines');
  return id;
}

function objectBody(req: Request): Record<string, unknown> {
  if (req.body === undefined) throw new HttpError('unsupported_media_type', 'send the pipeline as JSON with the header Content-Type: application/json', { status: 415 });
  if (!isObject(req.body)) throw new HttpError('bad_request', 'send a JSON object: { "name": …, "spec": { … } }');
  return req.body;
}

function pipelineName(v: unknown, required: boolean): string | undefined {
  if (v === undefined && !required) return undefined;
  const name = typeof v === 'string' ? v.trim() : '';
  if (name === '' || name.length > MAX_PIPELINE_NAME)
    throw new HttpError('bad_pipeline_name', `give the pipeline a \`name\` of 1 to ${MAX_PIPELINE_NAME} characters`);
  return name;
}

/** A draft is kept as sent, but it must be a JSON object of bounded size. */
function draftSpec(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new HttpError('bad_spec', 'send the pipeline in `spec` as a JSON object (the builder\'s job spec, valid or not)');
  if (Buffer.byteLength(JSON.stringify(v)) > MAX_PIPELINE_BYTES)
    throw new HttpError('payload_too_large', `the pipeline is larger than ${MAX_PIPELINE_BYTES / 1024} KB; remove unused nodes and save again`, { status: 413 });
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
