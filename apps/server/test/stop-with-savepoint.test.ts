import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countingSpec, expectedCounts, publishedRunningCounts, runningCountSpec } from './checkpoint-helpers.js';
import { api, serverPerFile, waitFor } from './helpers.js';

const ctx = serverPerFile({ rateLimit: false });

const N = 30_000;
const RATE = 3_000;

/** Records `nodeId` emitted in the job's current (or last) run; 0 before its first metrics. */
const recordsOut = (job: { metrics?: { operators: Array<{ nodeId: string; recordsOut: number }> } }, nodeId: string) =>
  job.metrics?.operators.find((o) => o.nodeId === nodeId)?.recordsOut ?? 0;

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('stop with savepoint over the API (drained, as Flink\'s stop --savepointPath)', { timeout: 180_000 }, () => {
  it('the file sink holds exactly what the savepoint covers, and a restore from it continues without loss or duplicates', async () => {
    const submitted = await api(ctx.server, '/api/jobs', { json: runningCountSpec({ count: N, rate: RATE, path: 'sws-out' }) });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id as string;
    // Past a periodic checkpoint or two, so the drained savepoint is not the job's first snapshot.
    await waitFor(async () => {
      const j = (await api(ctx.server, `/api/jobs/${id}`)).body;
      return j.status === 'running' && recordsOut(j, 'gen') >= 2_000;
    }, 'the job to emit 2000 records', 60_000);

    const r = await api(ctx.server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'stopped', savepoint: { kind: 'savepoint', snapshotId: expect.stringMatching(/^sp-/) } });
    const emitted = recordsOut(r.body, 'gen');
    expect(emitted).toBeGreaterThanOrEqual(2_000);
    expect(emitted).toBeLessThan(N); // stopped mid-stream

    // Every record the source emitted before the barrier is published once; nothing after it was emitted.
    const before = await publishedRunningCounts(join(ctx.dataDir, 'sws-out'));
    expect([...before.values()].reduce((n, l) => n + l.length, 0)).toBe(emitted);
    for (const [key, counts] of before) expect(counts, `running counts of user ${key}`).toEqual(oneTo(counts.length));

    const sp = r.body.savepoint.snapshotId as string;
    const restored = await api(ctx.server, `/api/jobs/${id}/restore`, { json: { savepointId: sp } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const done = await waitFor(async () => {
      const j = (await api(ctx.server, `/api/jobs/${id}`)).body;
      if (j.status === 'failed') throw new Error(`the restored job failed: ${JSON.stringify(j.error)}`);
      return j.status === 'finished' ? j : undefined;
    }, 'the restored job to finish', 120_000);
    // The restored run read exactly the rest of the input.
    expect(recordsOut(done, 'gen')).toBe(N - emitted);
    const after = await publishedRunningCounts(join(ctx.dataDir, 'sws-out'));
    const expected = expectedCounts(N);
    expect(after.size).toBe(expected.size);
    for (const [key, count] of expected) expect(after.get(key), `running counts of user ${key}`).toEqual(oneTo(count));
    // No hidden pending or in-progress part is left behind.
    expect((await readdir(join(ctx.dataDir, 'sws-out'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('when the savepoint cannot be written the answer is 409 and the job runs on', async () => {
    const id = (await api(ctx.server, '/api/jobs', { json: countingSpec({ count: 10_000_000, rate: 2_000, name: 'unwritable' }) })).body.id as string;
    await waitFor(async () => (await api(ctx.server, `/api/jobs/${id}`)).body.status === 'running', 'the job to run', 60_000);
    // A file where the savepoints folder goes: the savepoint fails in storage.
    const blocker = join(ctx.dataDir, 'jobs', id, 'savepoints');
    await writeFile(blocker, 'not a folder');
    const r = await api(ctx.server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body).toMatchObject({ error: 'savepoint_failed', message: expect.stringContaining('keeps running') });
    const at = recordsOut((await api(ctx.server, `/api/jobs/${id}`)).body, 'gen');
    await waitFor(async () => {
      const j = (await api(ctx.server, `/api/jobs/${id}`)).body;
      return j.status === 'running' && recordsOut(j, 'gen') > at + 500;
    }, 'the job to go on emitting', 60_000);
    // Once the folder can be written, the same request stops it.
    await rm(blocker);
    const again = await api(ctx.server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.status).toBe('stopped');
  });

  it('answers 409 for a job that is not running and leaves it as it was', async () => {
    const id = (await api(ctx.server, '/api/jobs', { json: countingSpec({ count: 100, rate: 100_000 }) })).body.id as string;
    await waitFor(async () => (await api(ctx.server, `/api/jobs/${id}`)).body.status === 'finished', 'the job to finish', 60_000);
    const r = await api(ctx.server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('job_not_running');
    expect((await api(ctx.server, `/api/jobs/${id}`)).body.status).toBe('finished');
  });
});
