// A graceful server restart (SIGTERM, `RiffleServer.close()`) must not repeat a transactional file
// sink's output: the job resumes from its latest checkpoint, so what the sink published after that
// checkpoint must not be published at shutdown.
//
// Before the fix a stopped job's file sink published everything it wrote at close, and the resumed
// job wrote the records after its latest checkpoint again (users' running counts repeated). Now a
// stop (not an end of input) discards what no checkpoint covers, as the Kafka sink aborts its open
// transaction.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedCounts, publishedRunningCounts, runningCountSpec } from './checkpoint-helpers.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';

const N = 30_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

describe('graceful server restart with a transactional file sink', () => {
  it('resumes the job without repeating published records', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const a = await startServer({ dataDir, baseDir: dataDir, rateLimit: false });
    const id = (await api(a, '/api/jobs', { json: runningCountSpec({ count: N, rate: 3_000, path: 'out' }) })).body.id as string;
    await waitFor(async () => (await api(a, `/api/jobs/${id}/checkpoints`)).body.checkpoints.some((c: { status: string }) => c.status === 'completed'), 'a checkpoint', 60_000);
    await a.close();

    const b = await startServer({ dataDir, baseDir: dataDir, rateLimit: false });
    try {
      await waitFor(async () => (await api(b, `/api/jobs/${id}`)).body.status === 'finished', 'the resumed job to finish', 120_000);
    } finally {
      await b.close();
    }
    const got = await publishedRunningCounts(join(dataDir, 'out'));
    for (const [key, count] of expectedCounts(N)) expect(got.get(key), `running counts of user ${key}`).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  }, 180_000);
});
