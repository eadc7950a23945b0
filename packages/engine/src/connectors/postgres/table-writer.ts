import pg from 'pg';
import type { FieldType, RecordSchema } from '@riffle/shared';
import { RiffleError } from '@riffle/shared';
import type { Row } from '../../collector.js';
import { createTable } from './create-table.js';
import { insertSql, MAX_PARAMS, parseTableName, quoteTable, type TableName } from './sql.js';

export interface TableWriterOptions {
  connectionString: string;
  table: string;
  mode: 'append' | 'upsert';
  keyColumns: readonly string[];
  createTable: boolean;
  /** The records' schema: columns of a created table; a closed schema must fit the table. */
  schema: RecordSchema;
}

/** The rows a write rejected for their data (bad value, constraint), with the reason. */
export type RejectedRow = { row: Row; error: Error };

/** All access to PostgreSQL of the sink: one connection, multi-row statements. */
export class TableWriter {
  private readonly client: pg.Client;
  private readonly table: TableName;
  /** Table columns, in table order, and whether each holds JSON. */
  private columns: Array<{ name: string; json: boolean }> = [];
  /** Set when the connection dropped (the client's 'error' event). */
  private lost: Error | undefined;

  constructor(private readonly o: TableWriterOptions) {
    this.client = new pg.Client({ connectionString: o.connectionString });
    // A connection that drops while idle (server restart, network) emits 'error'; unhandled, that
    // event would take the whole process (the server and every job) down. The next write fails
    // with it instead, and the job restarts per its strategy.
    this.client.on('error', (e) => (this.lost ??= e));
    this.table = parseTableName(o.table);
  }

  async open(): Promise<void> {
    try {
      await this.openTable();
    } catch (e) {
      throw pgFailure(e, `could not open table ${quoteTable(this.table)}`);
    }
  }

  private async openTable(): Promise<void> {
    await this.client.connect();
    let cols = await this.tableColumns();
    if (cols.length === 0 && this.o.createTable) {
      const fields = this.o.schema.fields.map((f) => ({ name: f.name, type: f.type as FieldType }));
      await createTable(this.client, this.table, fields, this.o.keyColumns);
      cols = await this.tableColumns();
    }
    if (cols.length === 0) {
      throw new RiffleError({ code: 'table_not_found', domain: 'user', retryable: false, message: `table ${quoteTable(this.table)} does not exist (set createTable to create it)` });
    }
    this.columns = cols;
    const names = new Set(cols.map((c) => c.name));
    const missing = [...(this.o.schema.open ? [] : this.o.schema.fields.map((f) => f.name)), ...this.o.keyColumns].filter((n) => !names.has(n));
    if (missing.length > 0) {
      throw new RiffleError({ code: 'column_not_found', domain: 'user', retryable: false, message: `table ${quoteTable(this.table)} has no column ${missing.map((m) => JSON.stringify(m)).join(', ')}` });
    }
  }

  private async tableColumns(): Promise<Array<{ name: string; json: boolean }>> {
    const { rows } = await this.client.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position`,
      [this.table.schema ?? null, this.table.name],
    );
    return rows.map((r) => ({ name: r.column_name, json: r.data_type === 'json' || r.data_type === 'jsonb' }));
  }

  /**
   * Writes rows (upsert: the last row per key wins). A statement that fails on the data is
   * retried row by row and the offending rows are returned; any other failure throws.
   */
  async write(rows: Row[]): Promise<RejectedRow[]> {
    if (this.lost !== undefined) {
      throw new RiffleError({ code: 'postgres_connection_lost', domain: 'external', retryable: true, cause: this.lost, message: `the connection to PostgreSQL was lost: ${this.lost.message}` });
    }
    const upsert = this.o.mode === 'upsert';
    const rejected: RejectedRow[] = [];
    let batch = rows;
    if (upsert) {
      const byKey = new Map<string, Row>();
      for (const r of rows) {
        const key = this.o.keyColumns.map((k) => r[k]);
        if (key.some((v) => v === null || v === undefined)) {
          rejected.push({ row: r, error: new Error(`key column is null or missing (keyColumns: ${this.o.keyColumns.join(', ')})`) });
          continue;
        }
        const id = JSON.stringify(key);
        byKey.delete(id); // keep the newest row, in arrival order
        byKey.set(id, r);
      }
      batch = [...byKey.values()];
    }
    // Only the columns some row sets: table defaults apply to the others.
    const cols = this.columns.filter((c) => batch.some((r) => Object.prototype.hasOwnProperty.call(r, c.name)));
    if (cols.length === 0) return rejected;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
    for (let i = 0; i < batch.length; i += perStatement) {
      const chunk = batch.slice(i, i + perStatement);
      try {
        await this.insert(chunk, cols, upsert);
      } catch (e) {
        if (!isDataError(e)) throw pgFailure(e, `could not write to table ${quoteTable(this.table)}`);
        for (const r of chunk) {
          try {
            await this.insert([r], cols, upsert);
          } catch (e2) {
            if (!isDataError(e2)) throw pgFailure(e2, `could not write to table ${quoteTable(this.table)}`);
            rejected.push({ row: r, error: e2 as Error });
          }
        }
      }
    }
    return rejected;
  }

  private async insert(rows: Row[], cols: Array<{ name: string; json: boolean }>, upsert: boolean): Promise<void> {
    const values: unknown[] = [];
    for (const r of rows) for (const c of cols) values.push(toParam(r[c.name], c.json));
    await this.client.query(insertSql(this.table, cols.map((c) => c.name), rows.length, upsert ? this.o.keyColumns : undefined), values);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** JSON columns get JSON text; lists and maps too (pg would send a JS array as a PostgreSQL array). */
function toParam(v: unknown, json: boolean): unknown {
  if (v === undefined || v === null) return null;
  if (json || typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** SQLSTATE classes of the server's own trouble, worth a retry: connection exception (08), transaction rollback such as a deadlock (40), insufficient resources (53), operator intervention such as a shutdown (57), system error (58). */
const RETRYABLE_CLASSES = new Set(['08', '40', '53', '57', '58']);
/** SQLSTATE classes that point at the job's settings: authorization (28), unknown database (3D) or schema (3F), access rule or syntax (42). */
const USER_CLASSES = new Set(['28', '3D', '3F', '42']);

/**
 * What a failure of PostgreSQL (not of a row's data) means for the job: the server rejecting the
 * job's settings is the user's to fix; the server in trouble or out of reach is external, and
 * worth a retry when it is the kind that passes. Anything else (a bug) is passed on as it is.
 */
export function pgFailure(e: unknown, doing: string): unknown {
  if (e instanceof RiffleError || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  const message = `${doing}: ${e.message}`;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    if (USER_CLASSES.has(cls)) return new RiffleError({ code: 'postgres_rejected', domain: 'user', retryable: false, cause: e, message });
    return new RiffleError({ code: 'postgres_error', domain: 'external', retryable: RETRYABLE_CLASSES.has(cls), cause: e, message });
  }
  // A socket error (ECONNREFUSED, ECONNRESET, ...) or the connection ending under a query.
  if ((typeof code === 'string' && code.startsWith('E')) || /Connection terminated/i.test(e.message))
    return new RiffleError({ code: 'postgres_unreachable', domain: 'external', retryable: true, cause: e, message });
  return e;
}

/** SQLSTATE class 22 (data exception) or 23 (integrity constraint violation): the row's fault. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
