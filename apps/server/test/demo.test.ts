import { afterEach, describe, expect, it } from 'vitest';
import { demoSpec } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const DEMO = demoSpec().name;

async function demoJobs(s: RiffleServer) {
  const jobs = (await api(s, '/api/jobs')).body.jobs as Array<{ id: string; name: string; status: string; startedAt?: number }>;
  return jobs.filter((j) => j.name === DEMO);
}

describe('--demo', () => {
  it('submits the demo job once, not again while it runs', async () => {
    const dataDir = await tempDir();
    cleanup.push(() => removeDir(dataDir));

    const a = await startServer({ dataDir, demo: true });
    const first = await demoJobs(a);
    expect(first).toHaveLength(1);
    expect(first[0]!.status).toBe('running');
    await a.close();

    // Restarted (resumed) rather than submitted again.
    const restartedAt = Date.now();
    const b = await startServer({ dataDir, demo: true });
    const second = await demoJobs(b);
    expect(second.map((j) => [j.id, j.status])).toEqual([[first[0]!.id, 'running']]);
    expect(second[0]!.startedAt).toBeGreaterThanOrEqual(restartedAt);
    // Once the user stopped it, the next start brings a fresh demo job.
    await api(b, `/api/jobs/${first[0]!.id}/stop`, { method: 'POST' });
    await b.close();

    const c = await startServer({ dataDir, demo: true });
    cleanup.push(() => c.close());
    const third = await demoJobs(c);
    expect(third).toHaveLength(2);
    expect(third.map((j) => j.status).sort()).toEqual(['running', 'stopped']);
  });

  it('does not submit anything without demo', async () => {
    const dataDir = await tempDir();
    cleanup.push(() => removeDir(dataDir));
    const s = await startServer({ dataDir });
    cleanup.push(() => s.close());
    expect((await api(s, '/api/jobs')).body.jobs).toEqual([]);
  });
});
