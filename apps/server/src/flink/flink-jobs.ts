import type { JobHandle } from '@riffle/engine';
import type { JobSpec, JobTarget } from '@riffle/shared';
import type { FlinkJobHandle } from './flink-job-handle.js';

/** Where a spec runs (`config.target`, default `embedded`). */
export function targetOf(spec: Pick<JobSpec, 'config'>): JobTarget {
  return spec.config?.target ?? 'embedded';
}

/** The handle of a job running on Flink (it has a Flink job id and can be detached). */
export function isFlinkHandle(h: JobHandle | undefined): h is FlinkJobHandle {
  return (h as { target?: string } | undefined)?.target === 'flink';
}

/** A Flink cluster's two endpoints, from the server's options or `FLINK_REST_URL` / `FLINK_SQL_GATEWAY_URL`. */
export interface FlinkClusterUrls {
  restUrl: string;
  sqlGatewayUrl: string;
}

/** The cluster named by the environment; undefined unless both variables are set. */
export function flinkClusterFromEnv(env: NodeJS.ProcessEnv): FlinkClusterUrls | undefined {
  const restUrl = env.FLINK_REST_URL?.trim();
  const sqlGatewayUrl = env.FLINK_SQL_GATEWAY_URL?.trim();
  return restUrl && sqlGatewayUrl ? { restUrl, sqlGatewayUrl } : undefined;
}
