import { parseBrokers, type JobHandle } from '@riffle/engine';
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

/**
 * A Flink cluster's two endpoints, from the server's options or `FLINK_REST_URL` /
 * `FLINK_SQL_GATEWAY_URL`, and the Kafka cluster for previews (`FLINK_PREVIEW_BROKERS`).
 */
export interface FlinkClusterUrls {
  restUrl: string;
  sqlGatewayUrl: string;
  /** Brokers (`host:port`) that both Flink's TaskManagers and the server reach; without them Flink runs show no preview. */
  previewBrokers?: string[];
}

/**
 * The cluster named by the environment; undefined unless both URLs are set. Throws when
 * `FLINK_PREVIEW_BROKERS` is not a `host:port` list.
 */
export function flinkClusterFromEnv(env: NodeJS.ProcessEnv): FlinkClusterUrls | undefined {
  const restUrl = env.FLINK_REST_URL?.trim();
  const sqlGatewayUrl = env.FLINK_SQL_GATEWAY_URL?.trim();
  if (!restUrl || !sqlGatewayUrl) return undefined;
  const brokers = env.FLINK_PREVIEW_BROKERS?.trim();
  if (!brokers) return { restUrl, sqlGatewayUrl };
  try {
    return { restUrl, sqlGatewayUrl, previewBrokers: parseBrokers(brokers) };
  } catch (err) {
    throw new Error(`FLINK_PREVIEW_BROKERS=${brokers}: ${(err as Error).message}`);
  }
}
