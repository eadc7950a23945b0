import { Engine } from '@riffle/engine';
import type { StartJob } from '../job-manager.js';
import type { Logger } from '../logger.js';
import { targetOf, type FlinkClusterUrls } from './flink-jobs.js';
import { FlinkTarget } from './flink-target.js';
import type { FlinkCompiler } from './plan-types.js';

/**
 * Until a compiler is configured every spec is refused for Flink with a clear message, on the
 * spec's `config.target` (400 with its path).
 */
const noCompiler: FlinkCompiler = () => ({
  ok: false,
  issues: [{ code: 'flink_no_compiler', message: 'this server has no spec → Flink SQL compiler; run the job on the embedded target', path: ['config', 'target'] }],
});

/** The runner of `flink` jobs on a configured cluster. */
export function flinkTargetFor(cluster: FlinkClusterUrls, o: { flinkCompiler?: FlinkCompiler; pollMs?: number }, logger: Logger): FlinkTarget {
  // merge: default to compileToFlinkSql from './flink/compiler/index.js'
  const compiler = o.flinkCompiler ?? noCompiler;
  return new FlinkTarget({ ...cluster, compiler, logger, ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }) });
}

/** Why a `flink` job cannot start on this server. */
export class FlinkNotConfiguredError extends Error {
  readonly code = 'flink_not_configured';
  readonly domain = 'user' as const;
  readonly retryable = false;
  constructor() {
    super('this server has no Flink cluster: start it with FLINK_REST_URL and FLINK_SQL_GATEWAY_URL set, or run the job on the embedded target');
  }
}

/**
 * The job manager's `StartJob`: specs with target `flink` go to the cluster (refused without
 * one, also a saved job after a restart without it), the others to the embedded engine (or the
 * embedder's `startJob`).
 */
export function startJobFor(flink: FlinkTarget | undefined, embedded?: StartJob): StartJob {
  const engine: StartJob = embedded ?? ((spec, opts) => Engine.start(spec, opts));
  return (spec, opts) => {
    if (targetOf(spec) !== 'flink') return engine(spec, opts);
    return flink ? flink.start(spec, opts) : Promise.reject(new FlinkNotConfiguredError());
  };
}
