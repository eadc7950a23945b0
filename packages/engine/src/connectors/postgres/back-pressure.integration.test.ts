// Back-pressure from the database (#3 point 4, for an external system): while another session holds
// an exclusive lock on the sink's table, every insert waits. The source (a fast generator) must
// then stop after a bounded number of records instead of queueing writes without end, resume when
// the lock goes, and every record it emitted must end up in the table.
// Without `backlog()` in sink.postgres the source never stops: the test times out waiting for it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { metricsOf, settled, waitFor } from '../../../test/helpers.js';
import { Engine } from '../../engine.js';
import { PG_BATCH_ROWS, PG_MAX_WRITES_IN_FLIGHT } from '../../operators/sink-postgres.js';
import { BATCH_RECORDS, INITIAL_CREDITS } from '../../runtime/batch-channel.js';
import { SOURCE_BATCH } from '../../runtime/source-driver.js';

const url = inject('postgresUrl');
const admin = new pg.Client({ connectionString: url });

beforeAll(() => admin.connect());
afterAll(() => admin.end());

async function rows(table: string): Promise<number> {
  const { rows: r } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
  return Number(r[0]!.n);
}

describe('sink.postgres back-pressure', () => {
  for (const [name, parallelism, partitioning] of [
    ['in-process, sink chained to the source', 1, undefined],
    ['worker threads, sink behind a rebalance exchange', 2, 'rebalance'],
  ] as const) {
    it(`a locked table stops the source after a bounded number of records, and nothing is lost (${name})`, async () => {
      const table = `bp_${parallelism}`;
      const job = await Engine.start({
        specVersion: 1,
        name: 'pg-back-pressure',
        config: { parallelism },
        nodes: [
          { id: 'gen', kind: 'source.datagen', params: { profile: 'sequence', keys: 100, ratePerSec: 1_000_000 } },
          { id: 'out', kind: 'sink.postgres', params: { connectionString: url, table, mode: 'append', keyColumns: [], createTable: true } },
        ],
        edges: [{ from: 'gen', to: 'out', ...(partitioning ? { partitioning } : {}) }],
      });
      const lock = new pg.Client({ connectionString: url });
      await lock.connect();
      try {
        await waitFor('first rows in the table', async () => (await rows(table).catch(() => 0)) > 0);
        await lock.query('BEGIN');
        await lock.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
        const atLock = metricsOf(job, 'gen').recordsOut;
        // Inserts now wait for the lock: the source must come to a stop.
        const stalled = await settled('the source to stop while the table is locked', () => metricsOf(job, 'gen').recordsOut);
        // What the pipeline holds once it stands still, from the runtime's own limits. Per sink
        // subtask: the writes in flight and the rows buffered for the next write. Per source
        // subtask: the poll that filled the last batches. Per exchange channel (a rebalance from
        // p sources to p sinks has p * p, a chained sink none): a batch per credit plus the open batch.
        const channels = partitioning ? parallelism * parallelism : 0;
        const bound = parallelism * (PG_MAX_WRITES_IN_FLIGHT * PG_BATCH_ROWS + PG_BATCH_ROWS + SOURCE_BATCH)
          + channels * (INITIAL_CREDITS + 1) * BATCH_RECORDS;
        expect(stalled - atLock).toBeLessThan(bound);
        expect(job.status).toBe('running');

        await lock.query('COMMIT');
        await waitFor('the source to run again', () => metricsOf(job, 'gen').recordsOut > stalled + 20_000);
      } finally {
        await lock.end();
        await job.stop();
      }
      expect(job.status).toBe('stopped');
      // Stop flushes the sink: every record the sink received is a row.
      expect(await rows(table)).toBe(metricsOf(job, 'out').recordsIn);
      expect(metricsOf(job, 'out').recordsIn).toBeGreaterThan(20_000);
    }, 120_000);
  }
});
