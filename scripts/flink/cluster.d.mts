export interface StartFlinkOptions {
  /** Task slots of the one TaskManager (default 2). */
  slots?: number;
  /** Extra or overriding config.yaml entries. */
  config?: Record<string, string | number>;
  readyTimeoutMs?: number;
  quiet?: boolean;
}
export interface FlinkCluster {
  /** The JobManager's REST API (what FLINK_REST_URL points at). */
  restUrl: string;
  /** The SQL Gateway's REST endpoint (FLINK_SQL_GATEWAY_URL). */
  sqlGatewayUrl: string;
  version: string;
  workDir: string;
  slots: number;
  stop(): Promise<void>;
}
export function startFlink(opts?: StartFlinkOptions): Promise<FlinkCluster>;
export function flinkClasspathFile(): string;
