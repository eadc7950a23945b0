// T2: a per-key sequence source and an in-job semantics checker (Flink's SemanticsCheckMapper
// analogue) under T1's kills, in both checkpoint modes. The generator's `sequence` profile emits
// {key, seq} with seq = 0, 1, 2, … per key; the checker is ordinary operators: a running count `n`
// and `max(seq)` per key, so n = max + 1 at every record exactly when nothing was lost or counted
// twice. Rows where that fails are the job's alerts. Exactly-once: zero alerts, every step +1.
// At-least-once: no gaps (n never below max + 1); the duplicates are counted (n − max − 1 per key)
// and reported, not hidden.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from './helpers.js';
import { finished, killRepeatedly } from './kill-loop.js';
import { buildServer, publishedRecords, startServerProcess, type ServerProcess } from './server-process.js';
import { runSeed } from './seeded.js';

const TOKEN = 'semantics-test-token-0123456789abcdef';
const N = 40_000;
const KEYS = 100; // a multiple of the parallelism: each key comes from one source subtask, in order
const PER_KEY = N / KEYS;
const KILLS = 3;

let dir: string;
let server: ServerProcess | undefined;
beforeAll(async () => {
  await buildServer();
  dir = await tempDir('riffle-semantics-');
}, 300_000);
afterAll(async () => {
  await server?.kill9();
  await removeDir(dir);
});

function t2Spec(mode: 'exactly-once' | 'at-least-once', out: string) {
  return {
    specVersion: 1,
    name: `t2-${mode}`,
    config: { parallelism: 2, checkpoints: { intervalMs: 200, mode, retain: 3 } },
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { profile: 'sequence', keys: KEYS, count: N, ratePerSec: 5_000, watermark: { maxOutOfOrderness: '0s' } } },
      { id: 'byKey', kind: 'keyBy', params: { key: 'key' } },
      { id: 'check', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }, { fn: 'max', field: 'seq', as: 'top' }] } },
      // Exactly-once alerts on any step other than +1; at-least-once only on a gap.
      { id: 'alerts', kind: 'filter', params: { expr: mode === 'exactly-once' ? 'n != top + 1' : 'n < top + 1' } },
      { id: 'alertsFile', kind: 'sink.file', params: { path: `${out}/alerts` } },
      { id: 'checkFile', kind: 'sink.file', params: { path: `${out}/check` } },
    ],
    edges: [
      { from: 'gen', to: 'byKey' },
      { from: 'byKey', to: 'check' },
      { from: 'check', to: 'alerts' },
      { from: 'alerts', to: 'alertsFile' },
      { from: 'check', to: 'checkFile' },
    ],
  };
}

type Check = { key: number; n: number; top: number };

async function run(mode: 'exactly-once' | 'at-least-once'): Promise<{ alerts: Check[]; check: Check[] }> {
  const seed = runSeed();
  console.log(`T2 ${mode} seed ${seed} (replay with RIFFLE_SEED=${seed})`);
  const out = `t2-${mode}`;
  const env = { DATA_DIR: join(dir, `data-${mode}`) };
  server = await startServerProcess(dir, TOKEN, env);
  const submitted = await server.api('/api/jobs', { json: t2Spec(mode, out) });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const id = submitted.body.id as string;
  const loop = await killRepeatedly({ first: server, dir, token: TOKEN, env, id, kills: KILLS, seed, label: `T2 ${mode}`, onServer: (s) => (server = s) });
  await finished(loop.server, id);
  // Each mode starts its own server: this one goes before the next mode's (afterAll only knows the last).
  await loop.server.kill9();
  server = undefined;
  return { alerts: await publishedRecords<Check>(join(dir, out, 'alerts')), check: await publishedRecords<Check>(join(dir, out, 'check')) };
}

/** Per key: the published checker rows' counts, sorted. */
function countsByKey(rows: Check[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const r of rows) m.set(r.key, [...(m.get(r.key) ?? []), r.n]);
  for (const ns of m.values()) ns.sort((a, b) => a - b);
  return m;
}

describe('per-key sequence and in-job semantics checker under kill -9 (T2)', () => {
  it('exactly-once: every step is +1 and the checker raised no alert', async () => {
    const { alerts, check } = await run('exactly-once');
    expect(alerts).toEqual([]);
    expect(check.filter((r) => r.n !== r.top + 1)).toEqual([]);
    const byKey = countsByKey(check);
    expect(byKey.size).toBe(KEYS);
    for (const [key, ns] of byKey) expect(ns, `checker rows of key ${key}`).toEqual(Array.from({ length: PER_KEY }, (_, i) => i + 1));
  }, 300_000);

  it('at-least-once: no gaps, and the duplicates are counted and reported', async () => {
    const { alerts, check } = await run('at-least-once');
    expect(alerts).toEqual([]);
    const byKey = countsByKey(check);
    expect(byKey.size).toBe(KEYS);
    let duplicates = 0;
    for (const [key, ns] of byKey) {
      const rows = check.filter((r) => r.key === key);
      // Every sequence number arrived (the highest is the last one generated) …
      expect(Math.max(...rows.map((r) => r.top)), `highest seq of key ${key}`).toBe(PER_KEY - 1);
      // … and the count never fell behind it: n ≥ max(seq) + 1 on every row, so no gap.
      expect(rows.filter((r) => r.n < r.top + 1)).toEqual([]);
      // Counted twice: what the final count exceeds the sequence by.
      duplicates += ns.at(-1)! - PER_KEY;
      expect(new Set(ns).size, `distinct counts of key ${key}`).toBe(ns.at(-1)!); // 1, 2, …, final: none skipped
    }
    console.log(`T2 at-least-once: ${duplicates} records counted twice over ${KEYS} keys`);
  }, 300_000);
});
