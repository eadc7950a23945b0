import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pipeline, tempDir } from '../../../test/helpers.js';
import { prng } from '../../../test/window-reference.js';
import { clickEvent } from '../../datagen/clickstream.js';

// 6 s of input: the kills (each within ~0.5 s after a run's first checkpoint) land well before
// the end. A kill while a finished job publishes its last parts is the gap noted in sink-file.ts.
const N = 120_000;
const RATE = 20_000;
const SEED = 21;

/**
 * One keyed stream, two transactional file sinks: `running` gets a running count per product for
 * every record (output all along, so kills hit published, pending and in-progress parts), `counts`
 * the window count per product at the end of input.
 */
const spec = {
  ...pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: SEED, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'counts', kind: 'sink.file', params: { path: 'counts' } },
      { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'running', kind: 'sink.file', params: { path: 'running' } },
    ],
    { parallelism: 2, checkpoints: { intervalMs: 100, mode: 'exactly-once', retain: 3 } },
  ),
  edges: [
    { from: 'gen', to: 'k' },
    { from: 'k', to: 'w' },
    { from: 'w', to: 'counts' },
    { from: 'k', to: 'r' },
    { from: 'r', to: 'running' },
  ],
};

const ENGINE = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/** Runs the job from the latest checkpoint (a fresh start the first time); prints completed checkpoints. */
const CHILD = `
const { Engine } = await import(process.env.ENGINE_ENTRY);
const job = await Engine.start(JSON.parse(process.env.SPEC), { baseDir: process.env.DIR, checkpointDir: process.env.DIR + '/job', jobId: 'fs', slots: 2, restoreFrom: 'latest' });
console.log('restored ' + (job.restored?.snapshotId ?? 'nothing'));
job.onCheckpoint((c) => { if (c.status === 'completed') console.log('completed ' + c.snapshotId); });
const r = await job.done;
console.log('ended ' + r.status + ' ' + (r.error?.message ?? ''));
`;

interface Run {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after its first completed checkpoint. */
async function runChild(dir: string, killAfterMs?: number, fault?: string): Promise<Run> {
  // A script file rather than `-e`: worker threads inherit execArgv, and `--input-type` breaks them.
  const script = join(dir, 'child.mjs');
  await writeFile(script, CHILD);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ENGINE_ENTRY: ENGINE, SPEC: JSON.stringify(spec), DIR: dir, RIFFLE_FAULT: fault ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let armed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    lines.push(...d.split('\n').filter((l) => l !== ''));
    if (killAfterMs !== undefined && !armed && lines.some((l) => l.startsWith('completed'))) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  child.stderr.resume();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ lines, signal, code })));
}

/** What the sinks must hold: `key|n` lines, sorted. Window: one per product; running: n = 1..count. */
function expected(): { counts: string[]; running: string[] } {
  const per = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const p = clickEvent(SEED, i, RATE, 0).product_id;
    per.set(p, (per.get(p) ?? 0) + 1);
  }
  const running: string[] = [];
  for (const [k, n] of per) for (let c = 1; c <= n; c++) running.push(`${k}|${c}`);
  return { counts: [...per].map(([k, n]) => `${k}|${n}`).sort(), running: running.sort() };
}

/** `key|n` of every line of the published part files of a folder, sorted. */
async function published(out: string): Promise<string[]> {
  const rows: string[] = [];
  for (const f of (await readdir(out)).filter((f) => /^part-\d+-\d+\.ndjson$/.test(f))) {
    for (const line of (await readFile(join(out, f), 'utf8')).split('\n')) {
      if (line === '') continue;
      const r = JSON.parse(line) as { key: number; n: number };
      rows.push(`${r.key}|${r.n}`);
    }
  }
  return rows.sort();
}

describe('transactional file sink under kill -9 (T1, engine level)', () => {
  it('after a fault before publishing and 3 kills at random moments, the published files hold every result exactly once', async () => {
    const seed = Number(process.env.RIFFLE_TEST_SEED ?? Date.now() % 1_000_000);
    console.log(`file-sink crash test seed=${seed} (rerun with RIFFLE_TEST_SEED=${seed})`);
    const random = prng(seed);
    const dir = await tempDir();

    // Run 1 aborts itself between a completed checkpoint and publishing its parts.
    const faulted = await runChild(dir, undefined, 'sink.file.beforePublish:2');
    expect(faulted.signal, faulted.lines.join('\n')).toBe('SIGABRT');
    const restoredFrom: string[] = [];
    for (let k = 0; k < 3; k++) {
      const run = await runChild(dir, Math.floor(random() * 400));
      restoredFrom.push(run.lines.find((l) => l.startsWith('restored'))!);
      expect(run.signal, `kill ${k}, seed ${seed}: ${run.lines.join('\n')}`).toBe('SIGKILL');
    }
    const last = await runChild(dir);
    expect(last.code, last.lines.join('\n')).toBe(0);
    expect(last.lines).toContain('ended finished ');
    // Every run after the first continued from a checkpoint, not from scratch.
    for (const r of restoredFrom) expect(r).toMatch(/^restored chk-\d+$/);

    const want = expected();
    // Compared as whole lists: a missing or doubled line fails (toEqual on sorted lists).
    expect(await published(join(dir, 'counts'))).toEqual(want.counts);
    const running = await published(join(dir, 'running'));
    expect(running.length).toBe(N);
    expect(running).toEqual(want.running);
    for (const out of ['counts', 'running']) expect((await readdir(join(dir, out))).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 180_000);
});
