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
  stop(): Promise<void>;
}
export function startPostgres(opts?: StartPostgresOptions): Promise<PostgresServer>;
export function postgresBinDir(): string;
