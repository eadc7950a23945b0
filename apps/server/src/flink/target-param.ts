import type { JobSpec, JobTarget } from '@riffle/shared';
import { HttpError } from '../http-errors.js';
import { targetOf } from './flink-jobs.js';

/**
 * The spec with the `target` of `POST /api/jobs {spec, target}` folded into its `config.target`
 * (so the job record keeps it across restarts). 400 for an unknown target, one that contradicts
 * the spec's own, or `flink` on a server without a cluster.
 */
const isTarget = (t: unknown): t is JobTarget => t === 'embedded' || t === 'flink';

export function withTarget(spec: JobSpec, target: unknown, hasFlink: boolean): JobSpec {
  if (target !== undefined && !isTarget(target))
    throw new HttpError('bad_target', 'target must be "embedded" (run in this server) or "flink" (run on the Flink cluster)', { status: 400 });
  if (target !== undefined && spec.config.target !== undefined && spec.config.target !== target)
    throw new HttpError('bad_target', `target is "${target}" but the spec's config.target is "${spec.config.target}"; send one of them`, { status: 400 });
  const out: JobSpec = target === undefined ? spec : { ...spec, config: { ...spec.config, target } };
  if (targetOf(out) === 'flink' && !hasFlink)
    throw new HttpError('flink_not_configured', 'this server has no Flink cluster: start it with FLINK_REST_URL and FLINK_SQL_GATEWAY_URL set, or submit with target "embedded"', { status: 400 });
  return out;
}
