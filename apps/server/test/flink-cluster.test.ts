// The Flink session cluster that the `flink` target's tests run against (scripts/flink/cluster.mjs:
// JobManager, TaskManager and SQL Gateway from Maven Central jars, on loopback). This proves the
// cluster itself: a statement set submitted through the SQL Gateway's REST API runs on the
// TaskManager, writes through the filesystem connector in JSON, and finishes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { celToSql, CLICKSTREAM_SCHEMA, compileExpression, fromCel } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { execute as run, post } from './flink-gateway.js';
import { removeDir, tempDir, waitFor } from './helpers.js';

const execute = (session: string, statement: string) => run(flink, session, statement);

let flink: FlinkCluster;
beforeAll(async () => {
  flink = await startFlink({ quiet: true });
}, 180_000);
afterAll(() => flink?.stop());

describe('Flink session cluster from Maven Central jars', () => {
  it('runs SQL submitted through the SQL Gateway to the end: datagen → filter → filesystem (JSON)', async () => {
    const out = await tempDir();
    try {
      expect(flink.version).toMatch(/^2\./);
      const overview = (await (await fetch(`${flink.restUrl}/overview`)).json()) as Record<string, number>;
      expect(overview).toMatchObject({ taskmanagers: 1, 'slots-total': flink.slots });

      const { sessionHandle } = await post(`${flink.sqlGatewayUrl}/v1/sessions`, {});
      const session = String(sessionHandle);
      await execute(session, "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100')");
      await execute(session, `CREATE TABLE snk (id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'file://${out}', 'format' = 'json')`);
      const insert = await execute(session, 'INSERT INTO snk SELECT id FROM src WHERE MOD(id, 10) = 0');
      // An INSERT's result is the id of the job it submitted.
      const jobId = String((insert as { jobID?: string }).jobID ?? (insert.results as { data: Array<{ fields: unknown[] }> }).data[0]!.fields[0]);
      expect(jobId).toMatch(/^[0-9a-f]{32}$/);
      // The job appears in the JobManager's REST API and finishes there.
      await waitFor(async () => {
        const { jobs } = (await (await fetch(`${flink.restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; state: string }> };
        const job = jobs.find((j) => j.jid === jobId);
        if (job?.state === 'FAILED') throw new Error(`the Flink job failed: ${JSON.stringify(job)}`);
        return job?.state === 'FINISHED';
      }, 'the Flink job to finish', 90_000);

      const files = (await readdir(out, { recursive: true })).filter((f) => !f.startsWith('.') && !f.includes('/.'));
      const rows = (await Promise.all(files.map((f) => readFile(join(out, f), 'utf8').catch(() => ''))))
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { id: number }).id)
        .sort((a, b) => a - b);
      expect(rows).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    } finally {
      await removeDir(out);
    }
  }, 150_000);

  it('evaluates translated CEL expressions to the same values as Riffle does', async () => {
    const rows = [
      { user_id: 7, product_id: 3, event_type: 'purchase', price: 120.5, ts: 1000 },
      { user_id: -9, product_id: 40, event_type: 'view', price: 0.25, ts: 2000 },
      { user_id: 1000, product_id: 1, event_type: "it's", price: 99, ts: 3000 },
    ];
    const exprs = [
      "event_type == 'purchase' && price > 100.0",
      'user_id / 2 + user_id % 4', // integer division and remainder truncate toward zero in both
      "event_type in ['view', 'click'] || product_id >= 40",
      "'u-' + string(user_id) + event_type",
      'price * 2.0 - double(product_id)',
      "event_type.startsWith('pur') ? product_id * 10 : -product_id",
      'size(event_type) + int(price)',
    ];
    const { sessionHandle } = await post(`${flink.sqlGatewayUrl}/v1/sessions`, {});
    const values = rows.map((r) => `(${r.user_id}, ${r.product_id}, '${r.event_type.replaceAll("'", "''")}', CAST(${r.price} AS DOUBLE), CAST(${r.ts} AS BIGINT))`).join(', ');
    const columns = exprs.map((e, i) => {
      const t = celToSql(e, CLICKSTREAM_SCHEMA);
      if (!t.ok) throw new Error(t.message);
      return `${t.sql} AS e${i}`;
    });
    const statement = `SELECT CAST(user_id AS BIGINT) AS k, ${columns.join(', ')} FROM (VALUES ${values}) AS t(user_id, product_id, event_type, price, ts)`;
    const page = await execute(String(sessionHandle), statement);
    // A bounded SELECT: collect every page until the end of the stream.
    const got: unknown[][] = [];
    let r = page as { resultType: string; nextResultUri?: string; results?: { data: Array<{ fields: unknown[] }> } };
    for (;;) {
      for (const d of r.results?.data ?? []) got.push(d.fields);
      if (r.resultType === 'EOS' || r.nextResultUri === undefined) break;
      if (r.resultType === 'NOT_READY') await new Promise((ok) => setTimeout(ok, 100));
      r = (await (await fetch(`${flink.sqlGatewayUrl}${r.nextResultUri}`)).json()) as typeof r;
    }
    const byKey = new Map(got.map((f) => [Number(f[0]), f.slice(1)]));
    for (const row of rows) {
      const flinkValues = byKey.get(row.user_id);
      expect(flinkValues, `row ${row.user_id}`).toBeDefined();
      exprs.forEach((e, i) => {
        const riffle = fromCel(compileExpression(e, CLICKSTREAM_SCHEMA).evaluate(row));
        const f = flinkValues![i];
        if (typeof riffle === 'number') expect(Number(f), `${e} on row ${row.user_id}`).toBeCloseTo(riffle, 9);
        else expect(f, `${e} on row ${row.user_id}`).toEqual(riffle);
      });
    }
  }, 120_000);
});
