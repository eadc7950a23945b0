// Fault injection: the PostgreSQL server crash-stops mid-job and comes back 3 s later. The job
// (keyed running count → upsert sink, checkpoints) must end with exactly the offline counts in the
// table: the sink's writes before each checkpoint barrier are durable before the checkpoint
// completes, the job restarts from it, and upserts make the replayed rows harmless.
// This suite starts its own server: restarting the shared one would break the other suites.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../../../scripts/postgres/postgres.mjs';
import { offlineCounts } from '../../../test/helpers.js';
import type { RestartInfo } from '../../api.js';
import { Engine } from '../../engine.js';

const N = 30_000;
const RATE = 3_000;
const SEED = 11;

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ quiet: true });
});
afterAll(() => server?.stop());

/** One query on a fresh connection (the server restarts under us). */
async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.connectionString });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL restarted mid-job (fault injection)', () => {
  it('the job recovers from its latest checkpoint and the upserted table holds exactly the offline counts', async () => {
    const spec = {
      specVersion: 1,
      name: 'pg-restart',
      config: {
        checkpoints: { intervalMs: 300, mode: 'exactly-once', retain: 3 },
        restart: { strategy: 'fixed-delay', attempts: 40, delayMs: 500 },
      },
      nodes: [
        { id: 'gen', kind: 'source.datagen', params: { seed: SEED, ratePerSec: RATE, count: N } },
        { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
        { id: 'running', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
        { id: 'out', kind: 'sink.postgres', params: { connectionString: server.connectionString, table: 'running_counts', mode: 'upsert', keyColumns: ['key'], createTable: true } },
      ],
      edges: [
        { from: 'gen', to: 'byUser' },
        { from: 'byUser', to: 'running' },
        { from: 'running', to: 'out' },
      ],
    };
    const checkpointDir = await mkdtemp(join(tmpdir(), 'riffle-pg-restart-'));
    const job = await Engine.start(spec, { checkpointDir, jobId: 'pg-restart', restoreFrom: 'latest' });
    const restarts: RestartInfo[] = [];
    job.onRestart?.((r) => restarts.push(r));

    // Mid-job: rows are in the table and a checkpoint completed, the input is far from its end.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await query<{ c: string }>('SELECT count(*) AS c FROM running_counts').catch(() => [{ c: '0' }]);
      const checkpointed = (job.checkpoints?.() ?? []).some((c) => c.status === 'completed');
      if (Number(rows[0]!.c) > 0 && checkpointed) break;
      if (Date.now() > deadline) throw new Error('no rows and checkpoint in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    const source = job.metrics().operators.find((o) => o.nodeId === 'gen')!;
    expect(source.recordsOut).toBeLessThan(N);
    expect(job.status).toBe('running');
    await server.restart({ downMs: 3_000 });

    const result = await job.done;
    expect(result.status, JSON.stringify(result.error)).toBe('finished');
    // The outage reached the job: it failed and restarted from a checkpoint at least once.
    expect(restarts.length).toBeGreaterThan(0);
    expect(restarts[0]!.snapshotId).toMatch(/^chk-\d+$/);

    const rows = await query<{ key: string; n: string }>('SELECT key, n FROM running_counts');
    const table = new Map(rows.map((r) => [Number(r.key), Number(r.n)]));
    expect(table).toEqual(offlineCounts(SEED, N, RATE, 'user_id'));
  }, 180_000);
});
