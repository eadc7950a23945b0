import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import { countingSpec, countsOf, expectedCounts } from './checkpoint-helpers.js';
import { removeDir, tempDir, waitFor } from './helpers.js';
import { buildServer, publishedRecords as published, startServerProcess, type ServerProcess } from './server-process.js';
import { runSeed, seededInt } from './seeded.js';

const TOKEN = 'crash-test-token-0123456789abcdef';
const N = 40_000;
const RATE = 5_000;
const KILLS = 3;

let dir: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  // The child runs the built server; build it so this test checks the current sources.
  await buildServer();
  dir = await tempDir('riffle-crash-');
}, 300_000); // tsc alone takes minutes on a loaded machine
afterAll(async () => {
  await server?.kill9();
  await removeDir(dir);
});

/**
 * The keyed count of {@link countingSpec} plus two transactional file sinks: `counts-out` gets
 * the final count per user (at the end of input), `running-out` a running count per user for
 * every record, so kills hit published, pending and in-progress part files all along.
 */
function t1Spec() {
  const base = countingSpec({ count: N, rate: RATE, intervalMs: 200, retain: 3, name: 't1' });
  return {
    ...base,
    nodes: [
      ...base.nodes,
      { id: 'countsFile', kind: 'sink.file', params: { path: 'counts-out' } },
      { id: 'running', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'runningFile', kind: 'sink.file', params: { path: 'running-out' } },
    ],
    edges: [...base.edges, { from: 'counts', to: 'countsFile' }, { from: 'byUser', to: 'running' }, { from: 'running', to: 'runningFile' }],
  };
}

const completedNumbers = (list: CheckpointInfo[]) => list.filter((c) => c.kind === 'checkpoint' && c.status === 'completed').map((c) => c.id);

describe('server crash (T1)', () => {
  it('kill -9 of the server at 3 random moments: the job resumes from its latest checkpoint by itself, the counts are exact and the file sinks hold every record once', async () => {
    const seed = runSeed();
    console.log(`T1 seed ${seed} (replay with RIFFLE_SEED=${seed})`);
    const dataDir = join(dir, 'data');
    server = await startServerProcess(dir, TOKEN, { DATA_DIR: dataDir });
    const submitted = await server.api('/api/jobs', { json: t1Spec() });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id as string;

    let newest = 0;
    let finishedBeforeLastKill = false;
    for (let k = 0; k < KILLS; k++) {
      const s = server;
      await waitFor(async () => (await s.api(`/api/jobs/${id}`)).body.status === 'running', `the job to run (round ${k})`, 30_000);
      // Each run first completes a checkpoint of its own (so every round makes progress), then
      // dies at a random moment: mid-checkpoint, between two, while records flow.
      await waitFor(async () => {
        const j = (await s.api(`/api/jobs/${id}`)).body;
        return j.status === 'finished' || Math.max(0, ...completedNumbers((await s.api(`/api/jobs/${id}/checkpoints`)).body.checkpoints)) > newest;
      }, `a new checkpoint (round ${k})`, 60_000);
      const delay = seededInt(seed, k, 1000);
      await new Promise((r) => setTimeout(r, delay));
      const seen = completedNumbers((await s.api(`/api/jobs/${id}/checkpoints`)).body.checkpoints);
      const before = (await s.api(`/api/jobs/${id}`)).body;
      newest = Math.max(newest, ...seen);
      await s.kill9();
      console.log(`T1 round ${k}: killed ${delay} ms after checkpoint ${newest}, status ${before.status}, completed checkpoints ${seen.join(',')}`);

      server = await startServerProcess(dir, TOKEN, { DATA_DIR: dataDir });
      const job = (await server.api(`/api/jobs/${id}`)).body;
      if (before.status === 'finished') {
        expect(job.status).toBe('finished');
        finishedBeforeLastKill = true;
        continue;
      }
      // Resumed without user action, from a checkpoint at least as new as the last one we saw.
      expect(job.lastRestart).toMatchObject({ reason: 'server-restart' });
      if (seen.length > 0) {
        expect(job.lastRestart.snapshotId, JSON.stringify(job.lastRestart)).toMatch(/^chk-\d+$/);
        expect(Number(job.lastRestart.snapshotId.slice(4))).toBeGreaterThanOrEqual(Math.max(...seen));
      }
    }

    const s = server;
    const done = await waitFor(
      async () => {
        const j = (await s.api(`/api/jobs/${id}`)).body;
        if (j.status === 'failed') throw new Error(`the job failed: ${JSON.stringify(j.error)}`);
        return j.status === 'finished' ? j : undefined;
      },
      'the job to finish',
      120_000,
    );
    const expected = expectedCounts(N);
    // The collect sink's preview lives in the server's memory: a server started after the job
    // finished has none (seen under load, when the last kill came after the end of the input).
    if (!finishedBeforeLastKill) expect(countsOf(done.previews.out)).toEqual(expected);
    // The transactional file sinks hold every expected record exactly once: the final counts…
    expect(countsOf(await published(join(dir, 'counts-out')))).toEqual(expected);
    // …and, per user, the running counts 1, 2, …, count: none lost, none twice.
    const running = new Map<number, number[]>();
    for (const r of await published(join(dir, 'running-out'))) running.set(r.key, [...(running.get(r.key) ?? []), r.n]);
    expect(running.size).toBe(expected.size);
    for (const [key, count] of expected) expect(running.get(key)?.sort((a, b) => a - b), `running counts of user ${key}`).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    // The last run started from a checkpoint, not from the beginning: its source read less than N.
    if (done.lastRestart?.snapshotId) {
      const gen = done.metrics.operators.find((o: { nodeId: string }) => o.nodeId === 'gen');
      expect(gen.recordsOut).toBeLessThan(N);
    }
  }, 300_000);
});
