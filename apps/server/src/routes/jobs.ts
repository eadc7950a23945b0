import express, { type Request, type Router } from 'express';
import { describePlan } from '@riffle/engine';
import { validateSpec, type SpecProblem, type ValidationErrorBody } from '@riffle/shared';
import { HttpError, notFound } from '../http-errors.js';
import { isJobId, JOB_ID_RE } from '../job-id.js';
import { snapshotError, type SnapshotService } from '../checkpoints/snapshot-service.js';
import type { JobManager } from '../job-manager.js';
import { filePathProblems } from '../security/file-paths.js';
import { targetOf } from '../flink/flink-jobs.js';
import { readFlinkState } from '../flink/flink-state-file.js';
import { withTarget } from '../flink/target-param.js';
import type { FlinkTarget } from '../flink/flink-target.js';

/**
 * `/api/jobs`: submit (201 `{id}`; `{spec, restoreFrom: {jobId, savepointId, allowNonRestoredState?}}` starts from another
 * job's savepoint), list (`{jobs}`), details, plan, dead letters, failures, stop (`{savepoint: true}`:
 * with a savepoint).
 * Ids are checked against {@link JOB_ID_RE} before anything else sees them.
 */
export function jobsRouter(jobs: JobManager, baseDir: string, snapshots: SnapshotService, flink?: FlinkTarget): Router {
  const r = express.Router();

  r.post('/', async (req, res) => {
    if (req.body === undefined)
      throw new HttpError('unsupported_media_type', 'send the job spec as JSON with the header Content-Type: application/json', { status: 415 });
    const body: unknown = req.body;
    // Accept both the bare spec and `{ spec }` (room for options next to it later).
    const input = isObject(body) && 'spec' in body && !('nodes' in body) ? body.spec : body;
    const v = validateSpec(input);
    if (!v.ok || !v.spec) throw invalidSpec(v.errors);
    // `{ spec, target }`: where it runs (else the spec's `config.target`, else embedded).
    const spec = withTarget(v.spec, isObject(body) && input !== body ? body.target : undefined, flink !== undefined);
    const pathProblems = await filePathProblems(spec, baseDir);
    if (pathProblems.length > 0) throw invalidSpec(pathProblems);
    // `{ spec, restoreFrom: { jobId, savepointId } }` starts from another job's savepoint.
    const from = isObject(body) && 'restoreFrom' in body ? snapshots.fromSavepoint(spec, body.restoreFrom) : undefined;
    const { id, failure } = await jobs.submit(spec, from);
    // The engine may refuse a spec the catalog accepts (a kind it cannot run yet): same answer.
    if (failure?.problems) throw invalidSpec(failure.problems);
    if (failure && from) throw snapshotError(failure.error);
    if (failure) throw HttpError.fromRiffle(failure.error, { jobId: id });
    res.status(201).location(`/api/jobs/${id}`).json({ id });
  });

  r.get('/', (_req, res) => {
    res.json({ jobs: jobs.list() });
  });

  r.get('/:id', (req, res) => {
    const id = jobId(req, jobs);
    res.json(jobs.details(id));
  });

  r.get('/:id/plan', async (req, res) => {
    const id = jobId(req, jobs);
    const spec = jobs.details(id)!.spec;
    if (targetOf(spec) !== 'flink') {
      res.json(describePlan(spec));
      return;
    }
    // A Flink job's plan is the SQL it was submitted as, with the node → table/view names.
    const state = await readFlinkState(jobs.disk(id).jobDir);
    if (!state) throw notFound(`a Flink plan of job ${id} (it never reached the cluster)`);
    res.json({ target: 'flink', flinkJobId: state.flinkJobId, ...state.plan });
  });

  r.get('/:id/dead-letters', (req, res) => {
    res.json(jobs.deadLetters(jobId(req, jobs)));
  });

  r.get('/:id/failures', (req, res) => {
    res.json(jobs.failures(jobId(req, jobs)));
  });

  r.post('/:id/stop', async (req, res) => {
    const id = jobId(req, jobs);
    // `{ savepoint: true }`: stop with a savepoint, named in the answer.
    if (isObject(req.body) && req.body.savepoint === true) {
      const sp = await snapshots.stopWithSavepoint(id);
      res.json({ ...jobs.details(id), savepoint: sp });
      return;
    }
    res.json(await jobs.stop(id));
  });

  return r;
}

function invalidSpec(problems: SpecProblem[]): HttpError {
  const errors: ValidationErrorBody['errors'] = problems.map((e) => ({
    path: e.path,
    message: e.message,
    code: e.code,
    ...(e.nodeId === undefined ? {} : { nodeId: e.nodeId }),
  }));
  const n = errors.length;
  return new HttpError('invalid_spec', `the job spec has ${n} problem${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} at the paths in \`errors\` and submit again`, {
    extra: { errors },
  });
}

/** The `:id` of a job route: 400 when malformed, 404 when unknown. */
export function jobId(req: Request, jobs: JobManager): string {
  const id = req.params.id;
  if (!isJobId(id))
    throw new HttpError('bad_job_id', 'job ids are 3-64 lower-case letters, digits and dashes; copy the id from GET /api/jobs', { status: 400 });
  if (!jobs.has(id)) throw notFound(`job ${id}`);
  return id;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
