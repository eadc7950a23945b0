import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingSpec, countsOf, expectedCounts } from './checkpoint-helpers.js';
import { removeDir, tempDir } from './helpers.js';
import { finished, killRepeatedly } from './kill-loop.js';
import { buildServer, publishedRecords as published, startServerProcess, type ServerProcess } from './server-process.js';
import { runSeed } from './seeded.js';

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

describe('server crash (T1)', () => {
  it('kill -9 of the server at 3 random moments: the job resumes from its latest checkpoint by itself, the counts are exact and the file sinks hold every record once', async () => {
    const seed = runSeed();
    console.log(`T1 seed ${seed} (replay with RIFFLE_SEED=${seed})`);
    const dataDir = join(dir, 'data');
    server = await startServerProcess(dir, TOKEN, { DATA_DIR: dataDir });
    const submitted = await server.api('/api/jobs', { json: t1Spec() });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id as string;

    const loop = await killRepeatedly({ first: server, dir, token: TOKEN, env: { DATA_DIR: dataDir }, id, kills: KILLS, seed, label: 'T1', onServer: (s) => (server = s) });
    const done = await finished(loop.server, id);
    const finishedBeforeLastKill = loop.finishedBeforeLastKill;
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
