// The Flink session cluster that the `flink` target's tests run against (scripts/flink/cluster.mjs:
// JobManager, TaskManager and SQL Gateway from Maven Central jars, on loopback). This proves the
// cluster itself: a statement set submitted through the SQL Gateway's REST API runs on the
// TaskManager, writes through the filesystem connector in JSON, and finishes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { removeDir, tempDir, waitFor } from './helpers.js';

let flink: FlinkCluster;
beforeAll(async () => {
  flink = await startFlink({ quiet: true });
}, 180_000);
afterAll(() => flink?.stop());

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Runs one statement in a gateway session and waits for its first result page (its outcome). */
async function execute(session: string, statement: string): Promise<Record<string, unknown>> {
  const { operationHandle } = await post(`${flink.sqlGatewayUrl}/v1/sessions/${session}/statements`, { statement });
  let page: Record<string, unknown> = {};
  await waitFor(async () => {
    const r = await fetch(`${flink.sqlGatewayUrl}/v1/sessions/${session}/operations/${String(operationHandle)}/result/0`);
    page = (await r.json()) as Record<string, unknown>;
    if (!r.ok) throw new Error(`${statement}: ${JSON.stringify(page).slice(0, 2000)}`);
    return page.resultType !== 'NOT_READY';
  }, `the result of: ${statement}`, 60_000);
  return page;
}

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
});
