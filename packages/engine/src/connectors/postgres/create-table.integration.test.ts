// ensurePostgresTable (the flink target's createTable) against the real test server: the table
// sink.postgres would create, kept as it is when it exists, a clear error when the server is not there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { ensurePostgresTable } from './create-table.js';
import { TableWriter } from './table-writer.js';

const url = inject('postgresUrl');
const client = new pg.Client({ connectionString: url });

beforeAll(() => client.connect());
afterAll(() => client.end());

const columns = [
  { name: 'key', type: 'string' },
  { name: 'window_start', type: 'int' },
  { name: 'avg', type: 'double' },
  { name: 'ok', type: 'bool' },
] as const;

describe('ensurePostgresTable', () => {
  it('creates the table with the sink’s column types and primary key, and leaves an existing one (and its rows) alone', async () => {
    await ensurePostgresTable({ connectionString: url, table: 'public.made_for_flink', columns, keyColumns: ['key', 'window_start'] });
    const { rows } = await client.query("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'made_for_flink' ORDER BY ordinal_position");
    expect(rows.map((r) => [r.column_name, r.data_type, r.is_nullable])).toEqual([
      ['key', 'text', 'NO'],
      ['window_start', 'bigint', 'NO'],
      ['avg', 'double precision', 'YES'],
      ['ok', 'boolean', 'YES'],
    ]);
    const pk = await client.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = 'made_for_flink'::regclass AND i.indisprimary ORDER BY a.attnum`);
    expect(pk.rows.map((r) => r.attname)).toEqual(['key', 'window_start']);
    await client.query("INSERT INTO made_for_flink VALUES ('a', 1, 0.5, true)");
    await ensurePostgresTable({ connectionString: url, table: 'made_for_flink', columns: [{ name: 'other', type: 'int' }], keyColumns: [] });
    expect((await client.query('SELECT key, window_start FROM made_for_flink')).rows).toEqual([{ key: 'a', window_start: '1' }]);
  });

  // Every subtask of a sink opens its own writer, and each creates the table: concurrent
  // CREATE TABLE IF NOT EXISTS of one name fails in PostgreSQL ('type "t" already exists', a
  // duplicate in pg_type) unless the creations are serialized. Seen failing a p=2 job at start.
  it('writers and ensurePostgresTable creating one table at the same moment all succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const table = `created_at_once_${round}`;
      const writers = Array.from({ length: 6 }, () => new TableWriter({
        connectionString: url, table, mode: 'append', keyColumns: [], createTable: true,
        schema: { open: false, fields: columns.map((c) => ({ name: c.name, type: c.type })) },
      }));
      try {
        await Promise.all([
          ...writers.map((w) => w.open()),
          ensurePostgresTable({ connectionString: url, table, columns, keyColumns: [] }),
          ensurePostgresTable({ connectionString: url, table, columns, keyColumns: [] }),
        ]);
        for (const w of writers) await w.write([{ key: 'k', window_start: round, avg: 1, ok: true }]);
        expect(Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)).toBe(writers.length);
      } finally {
        await Promise.all(writers.map((w) => w.close().catch(() => {})));
      }
    }
  });

  it('an unreachable server is an external, retryable error naming the table', async () => {
    const gone = new URL(url);
    gone.port = '1';
    await expect(ensurePostgresTable({ connectionString: gone.toString(), table: 't', columns, keyColumns: [] })).rejects.toMatchObject({
      code: 'postgres_create_table_failed',
      domain: 'external',
      retryable: true,
      message: expect.stringContaining('could not create table "t"'),
    });
  });
});
