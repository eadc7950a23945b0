export interface StartKafkaOptions {
  /** Kafka's data folder (`log.dirs`); default a temp folder that stop() removes. */
  logDir?: string;
  port?: number;
  controllerPort?: number;
  /** -Xmx value, default '512m'. */
  heap?: string;
  /** Extra or overriding server.properties entries. */
  properties?: Record<string, string>;
  readyTimeoutMs?: number;
  quiet?: boolean;
  /** Log levels of single loggers in <workDir>/server.out (default level: warn). */
  loggers?: Record<string, string>;
}
export interface KafkaBroker {
  brokers: string[];
  port: number;
  controllerPort: number;
  logDir: string;
  workDir: string;
  readonly startMs: number;
  readonly pid: number | undefined;
  stop(opts?: { keepData?: boolean }): Promise<void>;
  kill(): Promise<void>;
  restart(opts?: { downMs?: number }): Promise<number>;
}
export function startKafka(opts?: StartKafkaOptions): Promise<KafkaBroker>;
export function kafkaClasspathFile(): string;
export function freePort(): Promise<number>;
