import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pipeline, tempDir } from '../../test/helpers.js';
import { clickEvent } from '../datagen/clickstream.js';
import { Engine } from '../index.js';
import type { FaultPoint } from './fault.js';

// T11 and T13 with a real job: the process aborts (process.abort(), as a power cut would leave the
// page cache aside) at each step of the checkpoint protocol while writing checkpoint 3. After the
// restart the half-written checkpoint is never listed, the newest complete one is restored, the
// debris is swept, and the final counts equal the offline ones. With retain=2, an abort right after
// checkpoint 3's _metadata rename finds checkpoints 1-3 all on disk: old folders are deleted only
// once newer metadata is durable.

const N = 120_000;
const RATE = 50_000;
const SEED = 13;

/** datagen → keyBy user → one window over everything (a count per user) → collect; 2 chains, so 2 task files per checkpoint. */
function spec(intervalMs: number) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: SEED, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { checkpoints: { intervalMs, mode: 'exactly-once', retain: 2 } },
  );
}

const ENGINE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Runs the job in a child process with checkpoints every 50 ms; RIFFLE_FAULT aborts it. */
const CHILD = `
const { Engine } = await import(process.env.ENGINE_ENTRY);
const job = await Engine.start(JSON.parse(process.env.SPEC), { execution: 'in-process', checkpointDir: process.env.DIR, jobId: 'fault' });
await job.done;
console.log('finished without reaching the fault point');
`;

function runChild(dir: string, fault: string): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, ENGINE_ENTRY: ENGINE, SPEC: JSON.stringify(spec(50)), DIR: dir, RIFFLE_FAULT: fault },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ signal, output })));
}

function offlineCounts(): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const u = clickEvent(SEED, i, RATE, 0).user_id;
    m.set(u, (m.get(u) ?? 0) + 1);
  }
  return m;
}

/** Every file under the checkpoints folder, as `chk-n/name`. */
async function filesOnDisk(dir: string): Promise<string[]> {
  const root = join(dir, 'checkpoints');
  const out: string[] = [];
  for (const d of await readdir(root)) for (const f of await readdir(join(root, d))) out.push(`${d}/${f}`);
  return out.sort();
}

const completedIds = async (dir: string) =>
  (await Engine.listSnapshots(dir))
    .filter((s) => s.kind === 'checkpoint')
    .map((s) => s.snapshotId)
    .sort();

/** Checkpoints 1 and 2 write 2 task files each: the 5th task file and the 3rd _metadata belong to checkpoint 3. */
const CASES: Array<{ point: FaultPoint; n: number; completed: string[]; debris: RegExp }> = [
  { point: 'chk.task.beforeFsync', n: 5, completed: ['chk-1', 'chk-2'], debris: /^chk-3\/\.task-\d-0\..*\.tmp$/ },
  { point: 'chk.task.afterRename', n: 5, completed: ['chk-1', 'chk-2'], debris: /^chk-3\/task-\d-0$/ },
  { point: 'chk.meta.beforeRename', n: 3, completed: ['chk-1', 'chk-2'], debris: /^chk-3\/\._metadata\..*\.tmp$/ },
  { point: 'chk.meta.afterRename', n: 3, completed: ['chk-1', 'chk-2', 'chk-3'], debris: /^chk-3\/_metadata$/ },
];

describe('an abort at each step of the checkpoint protocol (T11; T13 at chk.meta.afterRename)', () => {
  const expected = offlineCounts();
  for (const c of CASES) {
    it(`${c.point}: the half-written checkpoint is never listed, the newest complete one restores, debris is swept, counts are exact`, async () => {
      const dir = await tempDir();
      const crashed = await runChild(dir, `${c.point}:${c.n}`);
      expect(crashed.signal, crashed.output).toBe('SIGABRT');
      expect(crashed.output).toContain(`RIFFLE_FAULT reached ${c.point}:${c.n}`);
      // The abort hit checkpoint 3 at that step (its leftovers prove it) ...
      const left = await filesOnDisk(dir);
      expect(left.filter((f) => c.debris.test(f)), left.join(', ')).not.toEqual([]);
      // ... and only complete checkpoints are listed. After _metadata's rename checkpoint 3 is
      // complete, and checkpoint 1 is still there: pruning to retain=2 waits for durable metadata.
      expect(await completedIds(dir)).toEqual(c.completed);

      // The restart takes no periodic checkpoint, so the folder shows what the start swept.
      const job = await Engine.start(spec(3_600_000), { execution: 'in-process', checkpointDir: dir, jobId: 'fault', restoreFrom: 'latest' });
      expect(job.restored?.snapshotId).toBe(c.completed.at(-1));
      const swept = await filesOnDisk(dir);
      expect(swept.filter((f) => f.includes('.tmp')), swept.join(', ')).toEqual([]);
      expect([...new Set(swept.map((f) => f.split('/')[0]))].sort()).toEqual(c.completed);
      // The next checkpoint prunes to retain=2.
      const next = await job.triggerCheckpoint!();
      expect(await completedIds(dir)).toEqual([c.completed.at(-1)!, next.snapshotId].sort());
      expect(await readdir(join(dir, 'checkpoints'))).toHaveLength(2);

      expect((await job.done).status).toBe('finished');
      const got = new Map((job.preview('out') as Array<{ key: number; n: number }>).map((r) => [r.key, r.n]));
      expect(got).toEqual(expected);
    }, 120_000);
  }
});
