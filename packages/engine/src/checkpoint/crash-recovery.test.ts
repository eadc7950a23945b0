import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pipeline, tempDir } from '../../test/helpers.js';
import { clickEvent } from '../datagen/clickstream.js';
import { Engine } from '../index.js';
import { SnapshotStorage } from './snapshot-storage.js';

const N = 60_000;
const RATE = 40_000;
const spec = pipeline(
  [
    { id: 'gen', kind: 'source.datagen', params: { seed: 11, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '5s' } } },
    { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
    { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
    { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
  ],
  { checkpoints: { intervalMs: 50, mode: 'exactly-once', retain: 2 } },
);

const ENGINE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** A child process runs the job with checkpoints and prints each completed one; it is killed with SIGKILL. */
const CHILD = `
const { Engine } = await import(process.env.ENGINE_ENTRY);
const job = await Engine.start(JSON.parse(process.env.SPEC), { execution: 'in-process', checkpointDir: process.env.DIR, jobId: 'crash' });
let seen = 0;
setInterval(() => {
  const done = job.checkpoints().filter((c) => c.status === 'completed');
  for (; seen < done.length; seen++) console.log('completed ' + done[seen].snapshotId);
}, 5);
await job.done;
console.log('finished');
`;

describe('crash recovery (T1, light)', () => {
  it('after kill -9 mid-run, the latest complete checkpoint restores and the counts equal the offline ones', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { ...process.env, ENGINE_ENTRY: ENGINE, SPEC: JSON.stringify(spec), DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      lines.push(...d.split('\n').filter((l) => l !== ''));
      // Kill while it runs, right after a checkpoint completed (the next one is likely in progress).
      if (lines.filter((l) => l.startsWith('completed')).length >= 3) child.kill('SIGKILL');
    });
    expect(await killed).toBe('SIGKILL');
    expect(lines).not.toContain('finished');

    const storage = new SnapshotStorage(dir, 'crash');
    const latest = await storage.loadLatestCheckpoint();
    expect(latest).toBeDefined();
    const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir, jobId: 'crash', restoreFrom: latest!.id });
    expect((await job.done).status).toBe('finished');
    const got = new Map((job.preview('out') as Array<{ key: number; n: number }>).map((r) => [r.key, r.n]));
    const expected = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      const u = clickEvent(11, i, RATE, 0).user_id;
      expected.set(u, (expected.get(u) ?? 0) + 1);
    }
    expect(got).toEqual(expected);
  }, 30_000);
});
