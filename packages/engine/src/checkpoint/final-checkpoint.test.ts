import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { offlineCounts, pipeline, tempDir } from '../../test/helpers.js';

const N = 20_000;
const RATE = 10_000;
const SEED = 31;

/** Keyed running count per product (one output line per record) into a transactional file sink, both at p=2. */
const spec = pipeline(
  [
    { id: 'gen', kind: 'source.datagen', params: { seed: SEED, ratePerSec: RATE, count: N }, parallelism: 1 },
    { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
    { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
    { id: 'out', kind: 'sink.file', params: { path: 'out' } },
  ],
  // No periodic checkpoints: the child takes one by hand, so the number of publishes is known.
  { parallelism: 2, checkpoints: { intervalMs: 600_000, mode: 'exactly-once', retain: 3 } },
);

const ENGINE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** One checkpoint by hand early on, then the job runs to the end of its input. */
const CHILD = `
const { Engine } = await import(process.env.ENGINE_ENTRY);
const job = await Engine.start(JSON.parse(process.env.SPEC), { baseDir: process.env.DIR, checkpointDir: process.env.DIR + '/job', jobId: 'fin', execution: process.env.EXECUTION, slots: 2, restoreFrom: 'latest' });
console.log('restored ' + (job.restored?.snapshotId ?? 'nothing'));
if (job.restored?.snapshotId === undefined) {
  const gen = () => job.metrics().operators.find((o) => o.nodeId === 'gen').recordsOut;
  while (gen() < ${N / 10}) await new Promise((r) => setTimeout(r, 5));
  console.log('manual ' + (await job.triggerCheckpoint()).snapshotId);
}
const r = await job.done;
console.log('ended ' + r.status + ' ' + (job.checkpoints().filter((c) => c.status === 'completed').map((c) => c.snapshotId).join(',')));
`;

async function runChild(dir: string, execution: string, fault: string): Promise<{ lines: string[]; signal: NodeJS.Signals | null; code: number | null }> {
  const script = join(dir, 'child.mjs');
  await writeFile(script, CHILD);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ENGINE_ENTRY: ENGINE, SPEC: JSON.stringify(spec), DIR: dir, EXECUTION: execution, RIFFLE_FAULT: fault },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')));
  child.stderr.resume();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ lines, signal, code })));
}

/** `key|n` of every published line, sorted; and the expected ones (n = 1..count per product). */
async function published(out: string): Promise<string[]> {
  const rows: string[] = [];
  for (const f of (await readdir(out)).filter((f) => /^part-\d+-\d+\.ndjson$/.test(f)))
    for (const line of (await readFile(join(out, f), 'utf8')).split('\n'))
      if (line !== '') rows.push(`${(JSON.parse(line) as { key: number }).key}|${(JSON.parse(line) as { n: number }).n}`);
  return rows.sort();
}

function expected(): string[] {
  const rows: string[] = [];
  for (const [k, n] of offlineCounts(SEED, N, RATE, 'product_id')) for (let c = 1; c <= n; c++) rows.push(`${k}|${c}`);
  return rows.sort();
}

describe('final checkpoint of a bounded job (FLIP-147)', () => {
  // In-process, the publishes are: the manual checkpoint's two parts (one per sink subtask), then
  // the final checkpoint's two. Fault 4 aborts after the first subtask's last part went visible:
  // recovering from the manual checkpoint would write those records again; from the final one,
  // nothing is replayed and the second part is published. Threads count publishes per worker.
  for (const [execution, fault] of [['in-process', 'sink.file.beforePublish:4'], ['threads', 'sink.file.beforePublish:2']] as const) {
    it(`a crash while the last output is published neither loses nor repeats it after recovery (${execution})`, async () => {
      const dir = await tempDir();
      const crashed = await runChild(dir, execution, fault);
      expect(crashed.signal, crashed.lines.join('\n')).toBe('SIGABRT');
      expect(crashed.lines).toContain('manual chk-1');
      const recovered = await runChild(dir, execution, '');
      expect(recovered.code, recovered.lines.join('\n')).toBe(0);
      // The final checkpoint (chk-2) is what the recovery restored: every source had ended.
      expect(recovered.lines[0]).toBe('restored chk-2');
      expect(recovered.lines.at(-1)).toMatch(/^ended finished chk-3$/);
      const rows = await published(join(dir, 'out'));
      expect(rows.length).toBe(N);
      expect(rows).toEqual(expected());
      expect((await readdir(join(dir, 'out'))).filter((f) => f.startsWith('.'))).toEqual([]);
    }, 120_000);
  }
});
