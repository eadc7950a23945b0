import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline, tempDir, until } from '../../test/helpers.js';
import { clickEvent } from '../datagen/clickstream.js';
import { Engine, type JobHandle } from '../index.js';

const N = 60_000;
const RATE = 40_000;

/** datagen (bounded, deterministic) → keyBy product → one window over everything: a count per key. */
function countSpec(parallelism: number, mode: 'exactly-once' | 'at-least-once' = 'exactly-once') {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 7, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism, checkpoints: { intervalMs: 100, mode, retain: 3 } },
  );
}

/** The expected counts, straight from the generator. */
function offlineCounts(): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const p = clickEvent(7, i, RATE, 0).product_id;
    m.set(p, (m.get(p) ?? 0) + 1);
  }
  return m;
}

function countsOf(job: JobHandle): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of job.preview('out') as Array<{ key: number; n: number }>) {
    expect(m.has(r.key)).toBe(false);
    m.set(r.key, r.n);
  }
  return m;
}

type Execution = 'in-process' | 'threads';

const completed = (job: JobHandle) => job.checkpoints!().filter((c) => c.status === 'completed');

/** Runs until two checkpoints completed, then stops (mid-input); returns the latest checkpoint id. */
async function runAndStop(dir: string, parallelism: number, execution: Execution = 'in-process', mode?: 'at-least-once'): Promise<string> {
  const job = await Engine.start(countSpec(parallelism, mode), { execution, slots: 2, checkpointDir: dir, jobId: 'j' });
  await until(() => completed(job).length >= 2, 10_000);
  await job.stop();
  expect((await job.done).status).toBe('stopped');
  const out = job.metrics().operators.find((o) => o.nodeId === 'gen')!.recordsOut;
  expect(out).toBeLessThan(N); // stopped mid-way
  expect(job.preview('out')).toEqual([]); // the window had not fired
  const last = completed(job).at(-1)!;
  expect(last.snapshotId).toMatch(/^chk-\d+$/);
  expect(last.bytes).toBeGreaterThan(0);
  return last.snapshotId!;
}

describe('checkpoints and restore', () => {
  it.each<[number, Execution, number, Execution]>([
    [1, 'in-process', 1, 'in-process'],
    [2, 'in-process', 2, 'in-process'],
    [2, 'in-process', 1, 'in-process'],
    [1, 'in-process', 2, 'in-process'],
    [2, 'threads', 2, 'threads'],
    [2, 'threads', 1, 'in-process'],
    [1, 'in-process', 2, 'threads'],
  ])('a keyed count stopped at p=%i (%s) and restored at p=%i (%s) from the latest checkpoint equals the offline count', async (before, e1, after, e2) => {
    const dir = await tempDir();
    const chk = await runAndStop(dir, before, e1);
    const job = await Engine.start(countSpec(after), { execution: e2, slots: 2, checkpointDir: dir, jobId: 'j', restoreFrom: chk });
    expect((await job.done).status).toBe('finished');
    const recordsOut = job.metrics().operators.find((o) => o.nodeId === 'gen')!.recordsOut;
    expect(recordsOut).toBeGreaterThan(0);
    expect(recordsOut).toBeLessThan(N); // resumed, not replayed from the start
    expect(countsOf(job)).toEqual(offlineCounts());
  });

  it('at-least-once mode restores without losing records (duplicates allowed)', async () => {
    const dir = await tempDir();
    const chk = await runAndStop(dir, 2, 'threads', 'at-least-once');
    const job = await Engine.start(countSpec(2, 'at-least-once'), { execution: 'threads', slots: 2, checkpointDir: dir, jobId: 'j', restoreFrom: chk });
    expect((await job.done).status).toBe('finished');
    const got = countsOf(job);
    for (const [k, n] of offlineCounts()) expect(got.get(k)).toBeGreaterThanOrEqual(n);
  });

  it('a checkpoint that times out is aborted and recorded; the job keeps running', async () => {
    const dir = await tempDir();
    const spec = countSpec(1);
    delete spec.config!.checkpoints;
    const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir, checkpointTimeoutMs: 1 });
    await expect(job.triggerCheckpoint!()).rejects.toThrow(/checkpoint 1 failed: timed out after 1 ms/);
    expect(job.status).toBe('running');
    expect(job.checkpoints!()).toMatchObject([{ id: 1, status: 'failed', error: 'timed out after 1 ms' }]);
    await until(() => job.checkpoints!().length === 1);
    await job.stop();
    expect((await readdir(join(dir, 'checkpoints'))).filter((d) => d === 'chk-1')).toEqual([]);
  });

  it('writes _metadata with source positions, parallelism and a fingerprint; keeps `retain` checkpoints', async () => {
    const dir = await tempDir();
    const chk = await runAndStop(dir, 2);
    const meta = JSON.parse(await readFile(join(dir, 'checkpoints', chk, '_metadata'), 'utf8')).body;
    expect(meta.extra.parallelism).toEqual({ gen: 2, k: 2, w: 2, out: 2 });
    expect(meta.extra.sources.gen).toHaveLength(2);
    expect(meta.extra.sources.gen[0].next % 2).toBe(0);
    expect(meta.extra.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.files.map((f: { name: string }) => f.name).sort()).toEqual(['task-0-0', 'task-0-1', 'task-1-0', 'task-1-1']);
    expect((await readdir(join(dir, 'checkpoints'))).length).toBeLessThanOrEqual(3);
  });

  it('a savepoint can be triggered and restored; stats record it', async () => {
    const dir = await tempDir();
    const job = await Engine.start(countSpec(1), { execution: 'in-process', checkpointDir: dir, jobId: 'j' });
    const sp = await job.triggerSavepoint!();
    expect(sp.snapshotId).toMatch(/^sp-\d+-[0-9a-f]{8}$/);
    await job.stop();
    expect(job.checkpoints!().find((c) => c.kind === 'savepoint')).toMatchObject({ status: 'completed', snapshotId: sp.snapshotId });
    const restored = await Engine.start(countSpec(2), { execution: 'in-process', checkpointDir: dir, jobId: 'j', restoreFrom: sp.snapshotId });
    expect((await restored.done).status).toBe('finished');
    expect(countsOf(restored)).toEqual(offlineCounts());
  });

  it('refuses a corrupt checkpoint on restore with a clear error', async () => {
    const dir = await tempDir();
    const chk = await runAndStop(dir, 1);
    const file = join(dir, 'checkpoints', chk, 'task-1-0');
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(file, bytes);
    await expect(Engine.start(countSpec(1), { execution: 'in-process', checkpointDir: dir, restoreFrom: chk })).rejects.toMatchObject({
      code: 'corrupt_snapshot',
      message: expect.stringMatching(new RegExp(`snapshot ${chk} cannot be restored: task-1-0: checksum mismatch`)),
    });
    await expect(Engine.start(countSpec(1), { execution: 'in-process', checkpointDir: dir, restoreFrom: 'chk-999' })).rejects.toMatchObject({
      code: 'snapshot_not_found',
    });
  });

  it('refuses a snapshot of another topology', async () => {
    const dir = await tempDir();
    const chk = await runAndStop(dir, 1);
    const other = countSpec(1);
    other.nodes[2]!.id = 'w2';
    other.edges[1]!.to = 'w2';
    other.edges[2]!.from = 'w2';
    await expect(Engine.start(other, { execution: 'in-process', checkpointDir: dir, restoreFrom: chk })).rejects.toMatchObject({ code: 'incompatible_snapshot' });
  });

  it('refuses restoreFrom without checkpointDir', async () => {
    await expect(Engine.start(countSpec(1), { restoreFrom: 'chk-1' })).rejects.toMatchObject({ code: 'checkpoints_unsupported' });
  });

  it('a checkpoint declined after the end of a bounded input is recorded as failed and the job still finishes', async () => {
    const dir = await tempDir();
    const spec = countSpec(1);
    (spec.nodes[0]!.params as { ratePerSec: number }).ratePerSec = 1e8;
    const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir });
    expect((await job.done).status).toBe('finished');
    await expect(job.triggerCheckpoint!()).rejects.toThrow(/not running/);
    expect(countsOf(job)).toEqual(offlineCounts());
  });
});

describe('a rate-limited source asleep until its next record', () => {
  // One record every 1000 s: before the fix, the barrier waited for the source to wake.
  it.each<Execution>(['in-process', 'threads'])('emits the barrier when a checkpoint is triggered (%s)', async (execution) => {
    const dir = await tempDir();
    const spec = pipeline(
      [
        { id: 'gen', kind: 'source.datagen', params: { seed: 7, ratePerSec: 0.001, count: 100 } },
        { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
        { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
        { id: 'out', kind: 'sink.collect', params: {} },
      ],
      { parallelism: execution === 'threads' ? 2 : 1, checkpoints: { intervalMs: 3_600_000, mode: 'exactly-once', retain: 3 } },
    );
    const job = await Engine.start(spec, { checkpointDir: dir, jobId: 'sleepy', execution });
    try {
      // Each subtask emits its first record at once, then sleeps.
      const p = execution === 'threads' ? 2 : 1;
      await until(() => job.metrics().operators.find((o) => o.nodeId === 'gen')?.recordsOut === p, 10_000);
      const chk = await job.triggerCheckpoint!();
      expect(chk.id).toBeGreaterThan(0);
      expect(completed(job).map((c) => c.id)).toContain(chk.id);
      // The source went back to sleep: no record came early.
      expect(job.metrics().operators.find((o) => o.nodeId === 'gen')?.recordsOut).toBe(p);
    } finally {
      await job.stop();
    }
  });
});
