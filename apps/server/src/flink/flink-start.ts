import { Engine } from '@riffle/engine';
import type { StartJob } from '../job-manager.js';
import type { Logger } from '../logger.js';
import { targetOf, type FlinkClusterUrls } from './flink-jobs.js';
import { FlinkTarget } from './flink-target.js';
import { compileToFlinkSql } from './compiler/index.js';
import type { FlinkCompiler } from './plan-types.js';

/** The runner of `flink` jobs on a configured cluster. */
export function flinkTargetFor(cluster: FlinkClusterUrls, o: { flinkCompiler?: FlinkCompiler; pollMs?: number }, logger: Logger): FlinkTarget {
  const compiler = o.flinkCompiler ?? compileToFlinkSql;
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
