// node-postgres against the real test server (scripts/postgres): what Riffle's PostgreSQL sink
// will rely on: an idempotent upsert (INSERT ... ON CONFLICT DO UPDATE) inside a transaction.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';

const client = new pg.Client({ connectionString: inject('postgresUrl') });

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  await client.end();
});

describe('pg against the test PostgreSQL server', () => {
  it('connects to its own database over TCP on loopback', async () => {
    const { rows } = await client.query<{ db: string; ver: number }>(
      "SELECT current_database() AS db, current_setting('server_version_num')::int AS ver");
    expect(rows[0]!.db).toBe('riffle');
    expect(rows[0]!.ver).toBeGreaterThanOrEqual(130000);
  });

  it('upserts with INSERT ... ON CONFLICT DO UPDATE and reads back', async () => {
    await client.query('CREATE TABLE word_counts (word text PRIMARY KEY, n bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())');
    const upsert = `INSERT INTO word_counts (word, n) VALUES ($1, $2)
                    ON CONFLICT (word) DO UPDATE SET n = EXCLUDED.n, updated_at = now()`;
    const batch = async (rows: [string, number][]): Promise<void> => {
      await client.query('BEGIN');
      for (const r of rows) await client.query(upsert, r);
      await client.query('COMMIT');
    };
    await batch([['a', 1], ['b', 1]]);
    await batch([['a', 2], ['c', 1]]);
    await batch([['a', 2], ['c', 1]]); // replayed after a restore: idempotent
    await client.query('BEGIN');
    await client.query(upsert, ['b', 99]);
    await client.query('ROLLBACK');

    const { rows } = await client.query<{ word: string; n: string }>('SELECT word, n FROM word_counts ORDER BY word');
    expect(rows.map((r) => [r.word, Number(r.n)])).toEqual([['a', 2], ['b', 1], ['c', 1]]);
  });
});
