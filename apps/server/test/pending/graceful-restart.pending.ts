// A graceful server restart (SIGTERM, `RiffleServer.close()`) must not repeat a transactional file
// sink's output: the job resumes from its latest checkpoint, so what the sink published after that
// checkpoint must not be published at shutdown.
//
// NOT IN THE SUITE YET: it fails (an open bug, not a flaky test). `JobManager.close()` stops each
// job with `handle.stop()`, and a stopped job's file sink publishes everything it wrote at close
// (`FileSinkOperator.close`: "a finished or stopped job commits what it wrote"). The next start
// resumes from the latest checkpoint and writes the records after it again: duplicates (seen
// 2026-11-26: users' running counts repeated). Likely fix: stop for shutdown with a drained
// checkpoint (coordinator.trigger('checkpoint', { drain: true }) as stopWithSavepoint does, then
// stop) so the latest checkpoint covers all published output; resume.test.ts's first case would
// then corrupt the newest checkpoints instead of the second one.
// Run it by hand: cp test/pending/graceful-restart.pending.ts test/graceful-restart.test.ts (fix
// the relative imports), then npx vitest run test/graceful-restart.test.ts
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedCounts, publishedRunningCounts, runningCountSpec } from '../checkpoint-helpers.js';
import { api, removeDir, startServer, tempDir, waitFor } from '../helpers.js';

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
