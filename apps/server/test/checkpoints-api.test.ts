import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { countingSpec, countsOf, expectedCounts, HELD, holdingCheckpoints } from './checkpoint-helpers.js';
import { api, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';

let dataDir: string;
let server: RiffleServer;

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServer({ dataDir, baseDir: dataDir, rateLimit: false, startJob: holdingCheckpoints });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dataDir);
});

const N = 20_000;
const RATE = 4_000;

async function submit(spec: unknown): Promise<string> {
  const r = await api(server, '/api/jobs', { json: spec });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

const list = async (id: string) => (await api(server, `/api/jobs/${id}/checkpoints`)).body.checkpoints as CheckpointInfo[];
const status = async (id: string) => (await api(server, `/api/jobs/${id}`)).body.status as string;

/** Triggers a checkpoint (or savepoint) and waits until the list shows it completed. */
async function snapshot(id: string, kind: 'checkpoints' | 'savepoints' = 'checkpoints'): Promise<CheckpointInfo> {
  const r = await api(server, `/api/jobs/${id}/${kind}`, { method: 'POST' });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  expect(r.body.id).toEqual(expect.any(Number));
  // Until the engine's completed event arrived the entry has no duration yet.
  return waitFor(async () => (await list(id)).find((c) => c.id === r.body.id && c.status === 'completed' && c.durationMs !== undefined), `${kind} ${r.body.id} to complete`, 20_000);
}

async function finalCounts(id: string): Promise<Map<number, number>> {
  await waitFor(async () => (await status(id)) === 'finished', `job ${id} to finish`, 60_000);
  return countsOf((await api(server, `/api/jobs/${id}`)).body.previews.out);
}

describe('checkpoint routes', { timeout: 90_000 }, () => {
  it('takes a checkpoint and a savepoint on demand and lists them newest first with what is on disk', async () => {
    const id = await submit(countingSpec({ count: 10_000_000, rate: 2_000 }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const chk = await snapshot(id);
    expect(chk).toMatchObject({ jobId: id, kind: 'checkpoint', snapshotId: `chk-${chk.id}`, retained: true });
    expect(chk.bytes).toBeGreaterThan(0);
    expect(chk.durationMs).toEqual(expect.any(Number));
    expect(await readdir(join(dataDir, 'jobs', id, 'checkpoints', chk.snapshotId!))).toContain('_metadata');
    const sp = await snapshot(id, 'savepoints');
    expect(sp).toMatchObject({ kind: 'savepoint', retained: true, snapshotId: expect.stringMatching(/^sp-/) });
    expect(await readdir(join(dataDir, 'jobs', id, 'savepoints'))).toEqual([sp.snapshotId]);
    const all = await list(id);
    expect(all.map((c) => c.snapshotId)).toEqual([sp.snapshotId, chk.snapshotId]);
    // The jobs list carries the newest one.
    const row = (await api(server, '/api/jobs')).body.jobs.find((j: { id: string }) => j.id === id);
    expect(row.lastCheckpoint).toMatchObject({ snapshotId: sp.snapshotId, status: 'completed' });
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });

  it('keeps only `retain` checkpoints on disk and marks the pruned ones not retained', async () => {
    const id = await submit(countingSpec({ count: 10_000_000, rate: 2_000, retain: 2 }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const taken: CheckpointInfo[] = [];
    for (let i = 0; i < 3; i++) taken.push(await snapshot(id));
    // The oldest is deleted once the newest is durable (the engine prunes after completing).
    const kept = [taken[1]!.snapshotId, taken[2]!.snapshotId].sort().join();
    await waitFor(async () => (await readdir(join(dataDir, 'jobs', id, 'checkpoints'))).sort().join() === kept, `only ${kept} on disk`);
    const all = await list(id);
    const byId = new Map(all.map((c) => [c.snapshotId, c.retained]));
    expect(taken.map((c) => byId.get(c.snapshotId))).toEqual([false, true, true]);
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });

  it('answers 409 while a checkpoint is in progress and when the job is not running; 404 and 400 for bad jobs', async () => {
    // The sink's snapshot is held (test-only engine option), so the checkpoint stays open.
    const id = await submit(countingSpec({ count: 10_000_000, rate: 1000, name: HELD }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    expect((await api(server, `/api/jobs/${id}/checkpoints`, { method: 'POST' })).status).toBe(202);
    const again = await api(server, `/api/jobs/${id}/savepoints`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('checkpoint_in_progress');
    expect((await list(id))[0]).toMatchObject({ status: 'in_progress' });
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
    // The stop aborted it: recorded as failed.
    expect((await list(id))[0]).toMatchObject({ status: 'failed', retained: false });
    const stopped = await api(server, `/api/jobs/${id}/checkpoints`, { method: 'POST' });
    expect(stopped.status).toBe(409);
    expect(stopped.body.error).toBe('job_not_running');
    expect((await api(server, '/api/jobs/nope-nope/checkpoints')).status).toBe(404);
    expect((await api(server, '/api/jobs/nope-nope/savepoints', { method: 'POST' })).status).toBe(404);
    expect((await api(server, '/api/jobs/..%2F..%2Fetc/checkpoints')).status).toBe(400);
  });

  it('takes checkpoints of a job reading a file (its read position is part of the snapshot)', async () => {
    // A file read slowly (one line a second), so the job runs while we ask.
    await writeFile(join(dataDir, 'input.ndjson'), Array.from({ length: 100 }, (_, i) => JSON.stringify({ i })).join('\n') + '\n');
    const spec = {
      specVersion: 1,
      name: 'file-source',
      nodes: [
        { id: 'lines', kind: 'source.file', params: { path: 'input.ndjson', ratePerSec: 1 } },
        { id: 'out', kind: 'sink.collect', params: {} },
      ],
      edges: [{ from: 'lines', to: 'out' }],
    };
    const r = await api(server, '/api/jobs', { json: spec });
    if (r.status !== 201) return expect.fail(`the file job was refused: ${JSON.stringify(r.body)}`);
    await waitFor(async () => (await status(r.body.id)) === 'running', 'the file job to run');
    const chk = await snapshot(r.body.id);
    expect(chk.operators?.map((o) => o.nodeId)).toContain('lines');
    await api(server, `/api/jobs/${r.body.id}/stop`, { method: 'POST' });
  });

  it('restores a checkpoint: the job runs again from it and its final counts equal the offline ones', async () => {
    const id = await submit(countingSpec({ count: N, rate: RATE }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const chk = await snapshot(id);
    const r = await api(server, `/api/jobs/${id}/restore`, { json: { checkpointId: chk.snapshotId } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ restoredFrom: chk.snapshotId, lastRestart: { reason: 'restore', snapshotId: chk.snapshotId } });
    expect(await finalCounts(id)).toEqual(expectedCounts(N));
    // The record names the snapshot, so a server restart before the next checkpoint resumes from it.
    const rec = JSON.parse(await readFile(join(dataDir, 'jobs', id, 'job.json'), 'utf8'));
    expect(rec.resume.from).toBe(chk.snapshotId);
  });

  it('restores at another parallelism: the stored spec changes and the counts stay exact', async () => {
    const id = await submit(countingSpec({ count: N, rate: RATE }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const chk = await snapshot(id);
    const r = await api(server, `/api/jobs/${id}/restore`, { json: { checkpointId: chk.snapshotId, parallelism: 2 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.spec.config.parallelism).toBe(2);
    expect(await finalCounts(id)).toEqual(expectedCounts(N));
    const bad = await api(server, `/api/jobs/${id}/restore`, { json: { checkpointId: chk.snapshotId, parallelism: 500 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_parallelism');
  });

  it('refuses bad, unknown and corrupt snapshots without touching the running job', async () => {
    const id = await submit(countingSpec({ count: 10_000_000, rate: 2_000 }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const restore = (json: unknown) => api(server, `/api/jobs/${id}/restore`, { json });
    for (const body of [{}, { checkpointId: '../../x' }, { checkpointId: 'chk-1/../../x' }, { savepointId: 'sp-../x' }, { savepointId: 'chk-1' }, { checkpointId: 'chk-1', savepointId: 'sp-1' }, { checkpointId: 7 }]) {
      const r = await restore(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toBe('bad_snapshot_id');
    }
    expect((await restore({ checkpointId: 'chk-999' })).status).toBe(404);
    expect((await restore({ savepointId: 'sp-1-deadbeef' })).status).toBe(404);
    // Flip one bit of a task file: 422 naming the file.
    const chk = await snapshot(id);
    const folder = join(dataDir, 'jobs', id, 'checkpoints', chk.snapshotId!);
    const task = (await readdir(folder)).find((f) => f.startsWith('task-'))!;
    const bytes = await readFile(join(folder, task));
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(join(folder, task), bytes);
    const corrupt = await restore({ checkpointId: chk.snapshotId });
    expect(corrupt.status).toBe(422);
    expect(corrupt.body).toMatchObject({ error: 'corrupt_snapshot' });
    expect(corrupt.body.message).toContain(task);
    expect(await status(id)).toBe('running');
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });

  it('stops with a savepoint (named in the answer) and restores the stopped job from it', async () => {
    const id = await submit(countingSpec({ count: N, rate: RATE }));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    const r = await api(server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'stopped', savepoint: { kind: 'savepoint', snapshotId: expect.stringMatching(/^sp-/) } });
    const sp = r.body.savepoint.snapshotId as string;
    expect((await list(id)).find((c) => c.snapshotId === sp)).toMatchObject({ retained: true, status: 'completed' });
    expect((await api(server, `/api/jobs/${id}/restore`, { json: { savepointId: sp } })).status).toBe(200);
    expect(await finalCounts(id)).toEqual(expectedCounts(N));
  });

  it('starts a new job from another job\'s savepoint, and refuses an incompatible spec naming the operator', async () => {
    const a = await submit(countingSpec({ count: N, rate: RATE, name: 'a' }));
    await waitFor(async () => (await status(a)) === 'running', 'job a to run');
    const sp = (await snapshot(a, 'savepoints')).snapshotId!;
    await api(server, `/api/jobs/${a}/stop`, { method: 'POST' });

    const renamed = countingSpec({ count: N, rate: RATE, name: 'b' });
    renamed.nodes[2]!.id = 'perUser';
    renamed.edges[1]!.to = 'perUser';
    renamed.edges[2]!.from = 'perUser';
    const bad = await api(server, '/api/jobs', { json: { spec: renamed, restoreFrom: { jobId: a, savepointId: sp } } });
    expect(bad.status).toBe(409);
    expect(bad.body).toMatchObject({ error: 'incompatible_snapshot', nodeId: 'counts' });
    expect(bad.body.message).toContain('counts');
    expect((await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE }), restoreFrom: { jobId: a, savepointId: 'sp-9-00000000' } } })).status).toBe(404);
    expect((await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE }), restoreFrom: { jobId: 'no-such-job', savepointId: sp } } })).status).toBe(404);
    expect((await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE }), restoreFrom: { jobId: a, savepointId: '../../etc' } } })).status).toBe(400);

    const r = await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE, name: 'b' }), restoreFrom: { jobId: a, savepointId: sp } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const b = r.body.id as string;
    expect(await readdir(join(dataDir, 'jobs', b, 'savepoints'))).toEqual([sp]);
    expect((await api(server, `/api/jobs/${b}`)).body.lastRestart).toMatchObject({ reason: 'restore', snapshotId: sp });
    expect(await finalCounts(b)).toEqual(expectedCounts(N));
  });

  it('starts from a savepoint of a job with an operator more only with allowNonRestoredState; a changed aggregate list is a 409 naming the operator (T15)', async () => {
    // Job a also keeps a running count per user in a reduce that the new job no longer has.
    const base = countingSpec({ count: N, rate: RATE, name: 'with-running' });
    const withRunning = {
      ...base,
      nodes: [...base.nodes, { id: 'running', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } }, { id: 'runningOut', kind: 'sink.collect', params: { limit: 10 } }],
      edges: [...base.edges, { from: 'byUser', to: 'running' }, { from: 'running', to: 'runningOut' }],
    };
    const a = await submit(withRunning);
    await waitFor(async () => (await status(a)) === 'running', 'job a to run');
    const sp = (await snapshot(a, 'savepoints')).snapshotId!;
    await api(server, `/api/jobs/${a}/stop`, { method: 'POST' });

    const refused = await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE }), restoreFrom: { jobId: a, savepointId: sp } } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'incompatible_snapshot', nodeId: 'running', message: expect.stringContaining('allowNonRestoredState') });
    expect((await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE }), restoreFrom: { jobId: a, savepointId: sp, allowNonRestoredState: 'yes' } } })).status).toBe(400);

    const reshaped = { ...withRunning, nodes: withRunning.nodes.map((n) => (n.id === 'running' ? { ...n, params: { aggregate: [{ fn: 'max', field: 'price', as: 'n' }] } } : n)) };
    const shape = await api(server, '/api/jobs', { json: { spec: reshaped, restoreFrom: { jobId: a, savepointId: sp } } });
    expect(shape.status).toBe(409);
    expect(shape.body).toMatchObject({ error: 'incompatible_snapshot', nodeId: 'running', message: expect.stringMatching(/aggregates count\(\) as n, but this job gives it max\(price\) as n/) });

    const r = await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE, name: 'dropped' }), restoreFrom: { jobId: a, savepointId: sp, allowNonRestoredState: true } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await api(server, `/api/jobs/${r.body.id}`)).body.lastRestart).toMatchObject({ reason: 'restore', snapshotId: sp });
    expect(await finalCounts(r.body.id)).toEqual(expectedCounts(N));
  });

  it('does not give unbounded jobs without checkpoint config a checkpoint folder until asked', async () => {
    const id = await submit(unboundedSpec('plain'));
    await waitFor(async () => (await status(id)) === 'running', 'the job to run');
    await waitFor(async () => (await readdir(join(dataDir, 'jobs', id))).join() === 'job.json', 'only job.json in the job folder');
    const chk = await snapshot(id);
    expect(chk.retained).toBe(true);
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });

  it('does not follow a symlink planted in a savepoint when another job starts from it (T25)', async () => {
    const a = await submit(countingSpec({ count: N, rate: RATE, name: 'linked' }));
    await waitFor(async () => (await status(a)) === 'running', 'the job to run');
    const sp = (await snapshot(a, 'savepoints')).snapshotId!;
    await api(server, `/api/jobs/${a}/stop`, { method: 'POST' });
    // Move a task file out of DATA_DIR and leave a symlink to it: the source still verifies.
    const folder = join(dataDir, 'jobs', a, 'savepoints', sp);
    const task = (await readdir(folder)).find((f) => f.startsWith('task-'))!;
    const outside = join(dataDir, '..', `${sp}-outside-${Date.now()}`);
    await mkdir(outside);
    await rename(join(folder, task), join(outside, task));
    await symlink(join(outside, task), join(folder, task));
    const sentinel = await readFile(join(outside, task));

    const r = await api(server, '/api/jobs', { json: { spec: countingSpec({ count: N, rate: RATE, name: 'linked' }), restoreFrom: { jobId: a, savepointId: sp } } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'corrupt_snapshot' });
    expect(r.body.message).toContain(task);
    expect(await readFile(join(outside, task))).toEqual(sentinel);
    // No half-made job is left behind.
    expect((await api(server, '/api/jobs')).body.jobs.filter((j: { name: string }) => j.name === 'linked')).toHaveLength(1);
    await removeDir(outside);
  });

  it('rate-limits the mutating checkpoint routes', async () => {
    const limited = await startServer({ dataDir: join(dataDir, 'limited'), rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const id = (await api(limited, '/api/jobs', { json: countingSpec({ count: 10_000_000, rate: 1_000 }) })).body.id as string;
      const statuses: number[] = [];
      for (const path of ['checkpoints', 'savepoints', 'restore']) statuses.push((await api(limited, `/api/jobs/${id}/${path}`, { json: {} })).status);
      expect(statuses.slice(0, 2).every((s) => s !== 429)).toBe(true);
      expect(statuses[2]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
