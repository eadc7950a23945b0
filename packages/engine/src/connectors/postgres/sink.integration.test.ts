// sink.postgres against the real test server: append, upsert (idempotent on replay), createTable,
// rows the database rejects. Input comes from a bounded NDJSON file source.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { Engine } from '../../engine.js';

const url = inject('postgresUrl');
const client = new pg.Client({ connectionString: url });
const dir = mkdtempSync(join(tmpdir(), 'riffle-pg-'));
let n = 0;

beforeAll(() => client.connect());
afterAll(() => client.end());

const fields = [
  { name: 'word', type: 'string' }, { name: 'n', type: 'int' }, { name: 'avg', type: 'double' },
  { name: 'ok', type: 'bool' }, { name: 'tags', type: 'list' },
];

/** Writes rows to an NDJSON file and runs file → sink.postgres to the end. */
async function run(rows: object[], sink: Record<string, unknown>) {
  const path = join(dir, `in-${++n}.ndjson`);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const job = await Engine.start({
    specVersion: 1,
    name: 'pg-it',
    nodes: [
      { id: 'in', kind: 'source.file', params: { path, fields } },
      { id: 'out', kind: 'sink.postgres', params: { connectionString: url, ...sink } },
    ],
    edges: [{ from: 'in', to: 'out' }],
  });
  const result = await job.done;
  return { job, result };
}

async function select(table: string, order = 'word') {
  const { rows } = await client.query(`SELECT * FROM "${table}" ORDER BY ${order}`);
  return rows;
}

const input = Array.from({ length: 1200 }, (_, i) => ({ word: `w${i % 7}`, n: i, avg: i / 2, ok: i % 2 === 0, tags: [`t${i % 3}`] }));

describe('sink.postgres', () => {
  it('createTable: creates the table from the input fields with mapped column types', async () => {
    const { result } = await run(input.slice(0, 3), { table: 'created', createTable: true, mode: 'upsert', keyColumns: ['word'] });
    expect(result.status).toBe('finished');
    const { rows } = await client.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'created' ORDER BY ordinal_position");
    expect(rows.map((r) => [r.column_name, r.data_type])).toEqual([
      ['word', 'text'], ['n', 'bigint'], ['avg', 'double precision'], ['ok', 'boolean'], ['tags', 'jsonb'],
    ]);
    const pk = await client.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = 'created'::regclass AND i.indisprimary`);
    expect(pk.rows.map((r) => r.attname)).toEqual(['word']);
  });

  it('append: every record becomes a row (batched across several statements)', async () => {
    const { result } = await run(input, { table: 'appended', createTable: true });
    expect(result.status).toBe('finished');
    const rows = await select('appended', 'n');
    expect(rows).toHaveLength(1200);
    expect(rows[5]).toEqual({ word: 'w5', n: '5', avg: 2.5, ok: false, tags: ['t2'] });
  });

  it('upsert: the last record per key wins, and replaying the same input leaves exactly the same rows', async () => {
    const sink = { table: 'upserted', createTable: true, mode: 'upsert', keyColumns: ['word'] };
    const expected = Array.from({ length: 7 }, (_, k) => {
      const last = input.filter((r) => r.word === `w${k}`).at(-1)!;
      return { ...last, n: String(last.n) };
    });
    expect((await run(input, sink)).result.status).toBe('finished');
    expect(await select('upserted')).toEqual(expected);
    expect((await run(input, sink)).result.status).toBe('finished'); // replay (as after a restore)
    expect(await select('upserted')).toEqual(expected);
  });

  it('writes into an existing table with a quoted, schema-qualified name; rejected rows are dead-lettered', async () => {
    await client.query('CREATE SCHEMA "My Schema"');
    await client.query('CREATE TABLE "My Schema"."Odd ""Name""" (word text PRIMARY KEY, n bigint CHECK (n < 1000), avg double precision, ok boolean, tags jsonb, extra text DEFAULT \'d\')');
    const rows = [input[0]!, { ...input[1]!, n: 5000 }, input[2]!];
    const { job, result } = await run(rows, { table: 'My Schema.Odd "Name"', mode: 'upsert', keyColumns: ['word'] });
    expect(result.status).toBe('finished');
    const got = (await client.query('SELECT word, n, extra FROM "My Schema"."Odd ""Name""" ORDER BY word')).rows;
    expect(got).toEqual([{ word: 'w0', n: '0', extra: 'd' }, { word: 'w2', n: '2', extra: 'd' }]);
    expect(job.metrics().operators.find((o) => o.nodeId === 'out')!.deadLettered).toBe(1);
    expect(job.deadLetters()[0]!.error).toContain('check constraint');
  });

  it('says whose the failure is: an unknown database is the job’s settings, an unreachable server external and retryable', async () => {
    const unknownDb = new URL(url);
    unknownDb.pathname = '/no_such_database';
    const rejected = await run(input.slice(0, 1), { table: 't', createTable: true, connectionString: unknownDb.toString() });
    expect(rejected.result.status).toBe('failed');
    expect(rejected.result.error).toMatchObject({ code: 'postgres_rejected', domain: 'user', retryable: false, nodeId: 'out' });
    expect(rejected.result.error!.message).toMatch(/could not open table "t": .*no_such_database/);
    const gone = new URL(url);
    gone.port = '1';
    const unreachable = await run(input.slice(0, 1), { table: 't', createTable: true, connectionString: gone.toString() });
    expect(unreachable.result.error).toMatchObject({ code: 'postgres_unreachable', domain: 'external', retryable: true, nodeId: 'out' });
  });

  it('fails the job with a clear error when the table is missing and createTable is off', async () => {
    const { result } = await run(input.slice(0, 1), { table: 'nowhere' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'table_not_found', domain: 'user', nodeId: 'out' });
  });
});
