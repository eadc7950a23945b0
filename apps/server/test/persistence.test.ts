import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RiffleServer } from '../src/index.js';
import { api, boundedSpec, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function open(dataDir: string): Promise<RiffleServer> {
  const s = await startServer({ dataDir });
  cleanup.push(() => s.close());
  return s;
}

describe('persistence', () => {
  it('keeps the job list across a restart and restarts jobs that were running', async () => {
    const dataDir = await tempDir();
    cleanup.push(() => removeDir(dataDir));

    const a = await open(dataDir);
    const bounded = (await api(a, '/api/jobs', { json: boundedSpec(50, 'kept-bounded') })).body.id as string;
    const running = (await api(a, '/api/jobs', { json: unboundedSpec('kept-running') })).body.id as string;
    const stopped = (await api(a, '/api/jobs', { json: unboundedSpec('kept-stopped') })).body.id as string;
    await waitFor(async () => (await api(a, `/api/jobs/${bounded}`)).body.status === 'finished', 'bounded job to finish');
    await waitFor(async () => (await api(a, `/api/jobs/${running}`)).body.status === 'running', 'unbounded job to run');
    expect((await api(a, `/api/jobs/${stopped}/stop`, { method: 'POST' })).body.status).toBe('stopped');
    await a.close();

    // What is on disk: one job.json per job, no temp files left behind; the bounded job also keeps
    // the final checkpoint taken at its end (FLIP-147: transactional sinks publish on it) and its history.
    for (const id of [running, stopped]) {
      expect(await readdir(join(dataDir, 'jobs', id))).toEqual(['job.json']);
    }
    expect((await readdir(join(dataDir, 'jobs', bounded))).sort()).toEqual(['checkpoint-history.json', 'checkpoints', 'job.json']);
    const rec = JSON.parse(await readFile(join(dataDir, 'jobs', running, 'job.json'), 'utf8'));
    expect(rec).toMatchObject({ version: 1, id: running, name: 'kept-running', status: 'running', spec: { name: 'kept-running' } });

    const restartedAt = Date.now();
    const b = await open(dataDir);
    const list = (await api(b, '/api/jobs')).body.jobs as Array<{ id: string; name: string; status: string; metrics?: { recordsOut: number } }>;
    expect(list.map((j) => j.id).sort()).toEqual([bounded, running, stopped].sort());
    const byId = new Map(list.map((j) => [j.id, j]));
    expect(byId.get(bounded)).toMatchObject({ name: 'kept-bounded', status: 'finished', metrics: { recordsOut: 50 } });
    expect(byId.get(stopped)).toMatchObject({ status: 'stopped' });
    // It never took a checkpoint, so it resumes from the beginning of its input.
    expect(byId.get(running)?.status).toBe('running');
    const detail = await api(b, `/api/jobs/${running}`);
    expect(detail.body.startedAt).toBeGreaterThanOrEqual(restartedAt);
    expect(detail.body.spec).toMatchObject(unboundedSpec('kept-running'));
    // It really runs again: its source emits records in this server.
    await waitFor(async () => {
      const m = (await api(b, `/api/jobs/${running}`)).body.metrics;
      return m?.operators.find((o: { nodeId: string; recordsOut: number }) => o.nodeId === 'gen')?.recordsOut > 0;
    }, 'the restarted job to emit records');
    // Finished and stopped jobs are not run again.
    expect((await api(b, `/api/jobs/${bounded}`)).body.startedAt).toBeLessThan(restartedAt);
    expect(detail.body.spec.nodes[1].params.expr).toBe("event_type != 'nothing'");
  });
});
