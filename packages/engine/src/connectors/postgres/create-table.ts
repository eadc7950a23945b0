import pg from 'pg';
import { RiffleError, type FieldType } from '@riffle/shared';
import { createTableSql, parseTableName, quoteTable, type TableName } from './sql.js';

export interface PostgresTableOptions {
  connectionString: string;
  /** `table` or `schema.table`, as `sink.postgres` takes it. */
  table: string;
  /** The records' fields, in order: the table's columns. */
  columns: ReadonlyArray<{ name: string; type: FieldType }>;
  /** The upsert key (NOT NULL, the primary key); empty for an append table. */
  keyColumns: readonly string[];
}

/**
 * Creates the table `sink.postgres {createTable: true}` would create (same columns, types and
 * primary key), unless a table of that name exists: for a job whose rows reach PostgreSQL another
 * way (the `flink` target's JDBC connector, which never creates tables). One short connection.
 * @example
 * await ensurePostgresTable({ connectionString, table: 'counts', columns: [{ name: 'key', type: 'string' }], keyColumns: ['key'] });
 */
export async function ensurePostgresTable(o: PostgresTableOptions): Promise<void> {
  const table = parseTableName(o.table);
  const client = new pg.Client({ connectionString: o.connectionString });
  // A connection that drops is reported by the query or connect that fails.
  client.on('error', () => {});
  try {
    await client.connect();
    await createTable(client, table, o.columns, o.keyColumns);
  } catch (e) {
    throw new RiffleError({ code: 'postgres_create_table_failed', domain: 'external', retryable: true, cause: e, message: `could not create table ${quoteTable(table)}: ${(e as Error).message}` });
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `CREATE TABLE IF NOT EXISTS`, safe to run from many sessions at once. PostgreSQL does not make
 * concurrent creations of one name safe ("type ... already exists", a duplicate in pg_type), and
 * every subtask of a `sink.postgres` creates its table when it opens: creations of one name take a
 * transaction-scoped advisory lock first, so the second finds the table the first made.
 */
export async function createTable(
  client: pg.Client,
  table: TableName,
  columns: ReadonlyArray<{ name: string; type: FieldType }>,
  keyColumns: readonly string[],
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('riffle.create_table:' || $1))", [quoteTable(table)]);
    await client.query(createTableSql(table, [...columns], keyColumns));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
