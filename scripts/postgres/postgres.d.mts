export interface StartPostgresOptions {
  database?: string;
  port?: number;
  quiet?: boolean;
}
export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth) */
  connectionString: string;
  port: number;
  database: string;
  dir: string;
  startMs: number;
  /** Crash-stops the server (`-m immediate`), waits `downMs`, starts it again on the same port and data. */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}
export function startPostgres(opts?: StartPostgresOptions): Promise<PostgresServer>;
export function postgresBinDir(): string;
