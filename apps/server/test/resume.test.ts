import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '@riffle/engine';
import type { RiffleServer } from '../src/index.js';
import { countingSpec, countsOf, expectedCounts } from './checkpoint-helpers.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const N = 20_000;

async function open(dataDir: string): Promise<RiffleServer> {
  const s = await startServer({ dataDir, rateLimit: false });
  cleanup.push(() => s.close());
  return s;
}

async function checkpoint(s: RiffleServer, id: string): Promise<string> {
  // The listing reports a checkpoint completed once its metadata is durable, which can be a moment
  // before the engine has finished it: a trigger in that moment gets 409 checkpoint_in_progress.
  const r = await waitFor(async () => {
    const t = await api(s, `/api/jobs/${id}/checkpoints`, { method: 'POST' });
    return t.status === 409 && t.body.error === 'checkpoint_in_progress' ? undefined : t;
  }, 'the checkpoint to start');
  expect(r.status).toBe(202);
  await waitFor(async () => (await api(s, `/api/jobs/${id}/checkpoints`)).body.checkpoints.some((c: { id: number; status: string }) => c.id === r.body.id && c.status === 'completed'), 'the checkpoint');
  return r.body.snapshotId;
}

async function finalCounts(s: RiffleServer, id: string) {
  const job = await waitFor(async () => {
    const j = (await api(s, `/api/jobs/${id}`)).body;
    return j.status === 'finished' ? j : undefined;
  }, 'the job to finish', 60_000);
  return countsOf(job.previews.out);
}

/** A server with a running keyed-count job that took two checkpoints. */
async function jobWithTwoCheckpoints() {
  const dataDir = await tempDir();
  cleanup.push(() => removeDir(dataDir));
  const a = await open(dataDir);
  const id = (await api(a, '/api/jobs', { json: countingSpec({ count: N, rate: 2_000 }) })).body.id as string;
  await waitFor(async () => (await api(a, `/api/jobs/${id}`)).body.status === 'running', 'the job to run');
  const first = await checkpoint(a, id);
  const second = await checkpoint(a, id);
  return { dataDir, a, id, first, second };
}

describe('resume after a server restart', { timeout: 90_000 }, () => {
  it('resumes from the newest checkpoint that verifies, passing over a corrupt one, with exact counts', async () => {
    const { dataDir, a, id, first, second } = await jobWithTwoCheckpoints();
    await a.close();
    const folder = join(dataDir, 'jobs', id, 'checkpoints', second);
    const task = (await readdir(folder)).find((f) => f.startsWith('task-'))!;
    const bytes = await readFile(join(folder, task));
    await writeFile(join(folder, task), bytes.subarray(0, bytes.length - 1));

    const b = await open(dataDir);
    const job = (await api(b, `/api/jobs/${id}`)).body;
    expect(job.lastRestart).toMatchObject({ reason: 'server-restart', snapshotId: first });
    expect(await finalCounts(b, id)).toEqual(expectedCounts(N));
  });

  it('after a restore, resumes from the restored snapshot rather than a newer checkpoint of the abandoned run', async () => {
    const { dataDir, a, id, first } = await jobWithTwoCheckpoints();
    expect((await api(a, `/api/jobs/${id}/restore`, { json: { checkpointId: first } })).status).toBe(200);
    await a.close();
    const b = await open(dataDir);
    expect((await api(b, `/api/jobs/${id}`)).body.lastRestart).toMatchObject({ reason: 'server-restart', snapshotId: first });
    expect(await finalCounts(b, id)).toEqual(expectedCounts(N));
  });

  it('keeps a job the user stopped stopped, with its checkpoints listed', async () => {
    const { dataDir, a, id, first, second } = await jobWithTwoCheckpoints();
    expect((await api(a, `/api/jobs/${id}/stop`, { method: 'POST' })).body.status).toBe('stopped');
    await a.close();
    const b = await open(dataDir);
    const job = (await api(b, `/api/jobs/${id}`)).body;
    expect(job.status).toBe('stopped');
    expect(job.lastRestart).toBeUndefined();
    expect(job.lastCheckpoint).toMatchObject({ snapshotId: second, retained: true });
    const list = (await api(b, `/api/jobs/${id}/checkpoints`)).body.checkpoints;
    expect(list.map((c: { snapshotId: string }) => c.snapshotId)).toEqual([second, first]);
  });

  it('reports a restart by the engine\'s restart strategy (a task failed) in lastRestart, as job:restarted sends it, with exact counts', async () => {
    const dataDir = await tempDir();
    cleanup.push(() => removeDir(dataDir));
    // The real engine with its test-only failure injection: the count fails once, after a checkpoint.
    const s = await startServer({
      dataDir,
      rateLimit: false,
      startJob: (spec, o) => Engine.start(spec, { ...o, debugFailAfter: { nodeId: 'counts', records: 3_000, afterCheckpoint: true } }),
    });
    cleanup.push(() => s.close());
    const spec = { ...countingSpec({ count: N, rate: 5_000, intervalMs: 200 }), name: 'failing' };
    spec.config = { ...spec.config, restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 100 } } as typeof spec.config;
    const id = (await api(s, '/api/jobs', { json: spec })).body.id as string;
    const job = await waitFor(async () => {
      const j = (await api(s, `/api/jobs/${id}`)).body;
      return j.lastRestart ? j : undefined;
    }, 'the automatic restart', 60_000);
    expect(job.lastRestart).toMatchObject({ reason: 'failure', attempt: 1, snapshotId: expect.stringMatching(/^chk-\d+$/) });
    expect(job.lastRestart.error).toMatchObject({ nodeId: 'counts' });
    expect(await finalCounts(s, id)).toEqual(expectedCounts(N));
  });
});
