import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineCounts, pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine, type CheckpointStats, type JobHandle } from '../index.js';

const N = 40_000;
const RATE = 30_000;

function countSpec(parallelism = 1, count = N) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 5, ratePerSec: RATE, count, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism, checkpoints: { intervalMs: 60, mode: 'exactly-once', retain: 3 } },
  );
}

function countsOf(job: JobHandle): Map<number, number> {
  return new Map((job.preview('out') as Array<{ key: number; n: number }>).map((r) => [r.key, r.n]));
}

const completed = (job: JobHandle) => job.checkpoints!().filter((c) => c.status === 'completed' && c.kind === 'checkpoint');

/** Runs until `n` checkpoints completed, takes a savepoint, stops mid-input. */
async function runAndStop(dir: string, n: number): Promise<{ checkpoints: string[]; savepoint: string }> {
  const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j' });
  await until(() => completed(job).length >= n, 30_000);
  // A periodic checkpoint may be in progress: a savepoint is refused until it ends (the API's 409).
  let sp: Awaited<ReturnType<NonNullable<JobHandle['triggerSavepoint']>>> | undefined;
  while (sp === undefined) {
    sp = await job.triggerSavepoint!().catch((e: unknown) => {
      if (!/in progress/.test(String(e))) throw e;
      return new Promise<undefined>((r) => setTimeout(() => r(undefined), 20));
    });
  }
  await job.stop();
  expect((await job.done).status).toBe('stopped');
  return { checkpoints: completed(job).map((c) => c.snapshotId!), savepoint: sp.snapshotId };
}

async function flipByte(file: string): Promise<void> {
  const bytes = await readFile(file);
  bytes[bytes.length >> 1]! ^= 0x40;
  await writeFile(file, bytes);
}

describe("restoreFrom: 'latest'", () => {
  it('restores the newest checkpoint (not the newer savepoint) and ends with exact counts', async () => {
    const dir = await tempDir();
    const { checkpoints, savepoint } = await runAndStop(dir, 2);
    const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j', restoreFrom: 'latest' });
    expect(job.restored).toEqual({ snapshotId: checkpoints.at(-1), skipped: [] });
    expect(job.restored!.snapshotId).not.toBe(savepoint);
    expect((await job.done).status).toBe('finished');
    expect(countsOf(job)).toEqual(offlineCounts(5, N, RATE, 'product_id'));
  }, 30_000);

  it('passes over a bit-flipped newest checkpoint, reports it, and restores the previous one', async () => {
    const dir = await tempDir();
    await runAndStop(dir, 3);
    const listed = (await Engine.listSnapshots(dir)).filter((s) => s.kind === 'checkpoint');
    expect(listed).toHaveLength(3); // retain: 3
    const [newest, previous] = listed;
    await flipByte(join(dir, 'checkpoints', newest!.snapshotId, 'task-1-0'));
    const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j', restoreFrom: 'latest' });
    expect(job.restored!.snapshotId).toBe(previous!.snapshotId);
    expect(job.restored!.skipped).toEqual([{ snapshotId: newest!.snapshotId, error: expect.stringMatching(/task-1-0: checksum mismatch/) }]);
    expect((await job.done).status).toBe('finished');
    expect(countsOf(job)).toEqual(offlineCounts(5, N, RATE, 'product_id'));
  }, 30_000);

  it('starts fresh when no checkpoint verifies (a truncated _metadata)', async () => {
    const dir = await tempDir();
    const { checkpoints } = await runAndStop(dir, 1);
    for (const id of checkpoints.slice(-3)) {
      const meta = join(dir, 'checkpoints', id, '_metadata');
      const bytes = await readFile(meta).catch(() => undefined);
      if (bytes !== undefined) await writeFile(meta, bytes.subarray(0, bytes.length - 1));
    }
    const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j', restoreFrom: 'latest' });
    expect(job.restored!.snapshotId).toBeUndefined();
    expect((await job.done).status).toBe('finished');
    expect(countsOf(job)).toEqual(offlineCounts(5, N, RATE, 'product_id'));
  }, 30_000);

  it('starts fresh in an empty folder', async () => {
    const dir = await tempDir();
    const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j', restoreFrom: 'latest' });
    expect(job.restored).toEqual({ skipped: [] });
    await job.stop();
  });
});

describe('Engine.listSnapshots', () => {
  it('lists retained checkpoints and savepoints newest first, with bytes per operator, and flags corrupt ones with verify', async () => {
    const dir = await tempDir();
    const { checkpoints, savepoint } = await runAndStop(dir, 3);
    const all = await Engine.listSnapshots(dir);
    expect(all.map((s) => s.snapshotId)).toEqual([savepoint, ...checkpoints.slice(-3).reverse()]);
    for (const s of all) {
      expect(s.kind).toBe(s.snapshotId.startsWith('sp-') ? 'savepoint' : 'checkpoint');
      expect(s.valid).toBeUndefined();
      const nodes = new Map(s.operators.map((o) => [o.nodeId, o.bytes]));
      // The window holds a count per product; the generator its sequence number; the sink nothing.
      expect(nodes.get('w')).toBeGreaterThan(100);
      expect(nodes.get('gen')).toBeGreaterThan(0);
      expect(s.bytes).toBeGreaterThan(s.operators.reduce((n, o) => n + o.bytes, 0));
    }
    await flipByte(join(dir, 'checkpoints', all[1]!.snapshotId, 'task-0-0'));
    const verified = await Engine.listSnapshots(dir, { verify: true });
    expect(verified.map((s) => s.valid)).toEqual([true, false, true, true]);
    expect(verified[1]!.error).toMatch(/task-0-0: checksum mismatch/);
  }, 30_000);
});

describe('JobHandle.onCheckpoint', () => {
  for (const execution of ['in-process', 'threads'] as const) {
    it(`reports started, each acknowledgement and completion with bytes per operator (${execution})`, async () => {
      const dir = await tempDir();
      // A long input (stopped below), no periodic checkpoints: only the two triggered here.
      const spec = { ...countSpec(execution === 'threads' ? 2 : 1, 10_000_000), config: { parallelism: execution === 'threads' ? 2 : 1 } };
      const job = await Engine.start(spec, { execution, slots: 2, checkpointDir: dir, jobId: 'j' });
      const seen: CheckpointStats[] = [];
      const off = job.onCheckpoint!((s) => seen.push(s));
      const done = await job.triggerCheckpoint!();
      off();
      await job.triggerCheckpoint!();
      await job.stop();
      const mine = seen.filter((s) => s.id === done.id);
      const total = execution === 'threads' ? 4 : 2; // chains (gen → k) and (w → out), per subtask
      expect(seen).toEqual(mine); // nothing after unsubscribing
      expect(mine[0]).toMatchObject({ status: 'in_progress', acknowledged: 0, total });
      expect(mine.filter((s) => s.status === 'in_progress').map((s) => s.acknowledged)).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
      const last = mine.at(-1)!;
      expect(last).toMatchObject({ status: 'completed', snapshotId: done.snapshotId, bytes: done.bytes, acknowledged: total, total });
      expect(last.operators!.map((o) => o.nodeId).sort()).toEqual(['gen', 'k', 'out', 'w']);
      expect(last.operators!.find((o) => o.nodeId === 'w')!.bytes).toBeGreaterThan(0);
    }, 30_000);
  }

  it('reports a failed checkpoint with its reason', async () => {
    const dir = await tempDir();
    const job = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: dir, jobId: 'j' });
    await job.done; // bounded input ended: a finished task declines
    const seen: CheckpointStats[] = [];
    job.onCheckpoint!((s) => seen.push(s));
    await expect(job.triggerCheckpoint!()).rejects.toThrow();
    expect(seen).toEqual([]); // the coordinator is closed: nothing started
    const live = await Engine.start(countSpec(), { execution: 'in-process', checkpointDir: await tempDir(), jobId: 'j2', checkpointTimeoutMs: 1 });
    const failed: CheckpointStats[] = [];
    live.onCheckpoint!((s) => s.status === 'failed' && failed.push(s));
    await until(() => failed.length > 0, 10_000);
    expect(failed[0]!.error).toMatch(/timed out/);
    await live.stop();
  }, 30_000);
});
