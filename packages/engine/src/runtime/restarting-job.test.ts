import type { JobConfig, JobStatus } from '@riffle/shared';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineCounts, pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine, type JobHandle, type RestartInfo } from '../index.js';
import { restartDelay, type RestartingJob } from './restarting-job.js';
import type { ThreadedJob } from './threaded-job.js';

const N = 40_000;
const RATE = 30_000;

function countSpec(parallelism: number, restart: NonNullable<JobConfig['restart']>, count = N) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 3, ratePerSec: RATE, count, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism, checkpoints: { intervalMs: 50, mode: 'exactly-once', retain: 3 }, restart },
  );
}

function countsOf(job: JobHandle): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of job.preview('out') as Array<{ key: number; n: number }>) {
    expect(m.has(r.key)).toBe(false); // a key twice would be a duplicate window result
    m.set(r.key, r.n);
  }
  return m;
}

function watch(job: JobHandle): { statuses: JobStatus[]; restarts: RestartInfo[] } {
  const statuses: JobStatus[] = [job.status];
  const restarts: RestartInfo[] = [];
  job.onStatus((s) => statuses.push(s));
  job.onRestart!((r) => restarts.push(r));
  return { statuses, restarts };
}

describe('restart strategy', () => {
  // Inputs of a few seconds: each run must complete a checkpoint before its input ends (the failure
  // is armed by one), and a loaded machine's checkpoint writes take a while; threads more so.
  for (const [execution, parallelism, records, n] of [['in-process', 1, 300, 3 * N], ['threads', 2, 150, 4 * N]] as const) {
    it(`a job that fails twice recovers from its checkpoints and ends with exact counts (${execution}, p=${parallelism})`, async () => {
      const dir = await tempDir();
      const spec = countSpec(parallelism, { strategy: 'fixed-delay', attempts: 3, delayMs: 30 }, n);
      const job = await Engine.start(spec, { execution, slots: 2, checkpointDir: dir, jobId: 'r', debugFailAfter: { nodeId: 'w', records, runs: 2, afterCheckpoint: true } });
      const { statuses, restarts } = watch(job);
      const result = await job.done;
      expect(result.status).toBe('finished');
      expect(statuses).toEqual(['running', 'restarting', 'running', 'restarting', 'running', 'finished']);
      expect(restarts.map((r) => [r.reason, r.attempt, r.delayMs])).toEqual([['failure', 1, 30], ['failure', 2, 30]]);
      expect(restarts.map((r) => r.error?.message)).toEqual([expect.stringMatching(/debugFailAfter/), expect.stringMatching(/debugFailAfter/)]);
      // Each failing run got past a checkpoint before failing, so the next restored one.
      // Each failing run got past a checkpoint before failing (afterCheckpoint), so the next restored one.
      for (const r of restarts) expect(r.snapshotId).toMatch(/^chk-\d+$/);
      expect(countsOf(job)).toEqual(offlineCounts(3, n, RATE, 'user_id'));
      // One handle for all three runs: the checkpoint history spans them, ids keep increasing.
      const ids = job.checkpoints!().map((c) => c.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(job.checkpoints!().filter((c) => c.status === 'completed').length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('a crashed worker thread restarts the job from the latest checkpoint', async () => {
    const dir = await tempDir();
    const job = await Engine.start(countSpec(2, { strategy: 'fixed-delay', attempts: 1, delayMs: 0 }), { execution: 'threads', slots: 2, checkpointDir: dir, jobId: 'c' });
    const { restarts } = watch(job);
    await until(() => job.checkpoints!().some((c) => c.status === 'completed'), 20_000);
    ((job as RestartingJob).run as unknown as ThreadedJob).injectFault('w', 'exit');
    expect((await job.done).status).toBe('finished');
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.error?.message).toMatch(/worker thread \d exited unexpectedly/);
    expect(restarts[0]!.snapshotId).toMatch(/^chk-\d+$/);
    expect(countsOf(job)).toEqual(offlineCounts(3, N, RATE, 'user_id'));
  }, 60_000);

  it('a restarted run that fails while opening is restarted again, until the attempts are used up', async () => {
    // Run 0 fails on a record; its input file then disappears, so runs 1 and 2 fail while
    // opening, as a Kafka source does while its broker is down. Each is a counted attempt.
    const dir = await tempDir();
    const path = join(dir, 'in.ndjson');
    await writeFile(path, Array.from({ length: 50 }, (_, i) => JSON.stringify({ i })).join('\n') + '\n');
    const spec = pipeline(
      [
        { id: 'in', kind: 'source.file', params: { path, fields: [{ name: 'i', type: 'int' }] } },
        { id: 'pass', kind: 'filter', params: { expr: 'i >= 0' } },
        { id: 'out', kind: 'sink.collect' },
      ],
      { restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 50 } },
    );
    const job = await Engine.start(spec, { execution: 'in-process', debugFailAfter: { nodeId: 'pass', records: 10 } });
    job.onStatus((s) => {
      if (s === 'restarting') void rm(path, { force: true });
    });
    const { restarts } = watch(job);
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('file_not_found');
    expect(restarts.map((r) => r.attempt)).toEqual([1, 2]);
  }, 60_000);

  it('fails with the last error once the attempts are used up', async () => {
    const dir = await tempDir();
    const job = await Engine.start(countSpec(1, { strategy: 'fixed-delay', attempts: 2, delayMs: 0 }), {
      execution: 'in-process',
      checkpointDir: dir,
      jobId: 'x',
      debugFailAfter: { nodeId: 'w', records: 2_000, runs: 99 },
    });
    const { statuses, restarts } = watch(job);
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/debugFailAfter: w fails deliberately/);
    expect(job.error?.message).toBe(result.error?.message);
    expect(restarts.map((r) => r.attempt)).toEqual([1, 2]);
    expect(statuses).toEqual(['running', 'restarting', 'running', 'restarting', 'running', 'failed']);
  }, 60_000);

  it('exponential backoff doubles the delay up to maxDelayMs', async () => {
    expect([1, 2, 3, 4, 5].map((a) => restartDelay({ strategy: 'exponential-backoff', attempts: 9, delayMs: 100, maxDelayMs: 1000 }, a))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3].map((a) => restartDelay({ strategy: 'fixed-delay', attempts: 9, delayMs: 70 }, a))).toEqual([70, 70, 70]);
    const job = await Engine.start(countSpec(1, { strategy: 'exponential-backoff', attempts: 4, delayMs: 10, maxDelayMs: 50 }), {
      execution: 'in-process',
      checkpointDir: await tempDir(),
      jobId: 'e',
      debugFailAfter: { nodeId: 'w', records: 500, runs: 99 },
    });
    const { restarts } = watch(job);
    expect((await job.done).status).toBe('failed');
    expect(restarts.map((r) => r.delayMs)).toEqual([10, 20, 40, 50]);
    expect((job as RestartingJob).restartHistory()).toEqual(restarts);
  }, 60_000);

  it('stop during the restart delay ends the job as stopped without another run', async () => {
    const job = await Engine.start(countSpec(1, { strategy: 'fixed-delay', attempts: 5, delayMs: 600_000 }), {
      execution: 'in-process',
      checkpointDir: await tempDir(),
      jobId: 's',
      debugFailAfter: { nodeId: 'w', records: 500 },
    });
    const { statuses, restarts } = watch(job);
    await until(() => job.status === 'restarting', 20_000);
    await job.stop();
    expect((await job.done).status).toBe('stopped');
    expect(restarts).toEqual([]);
    expect(statuses).toEqual(['running', 'restarting', 'stopping', 'stopped']);
  }, 30_000);

  it('without checkpoints, a restart starts from scratch', async () => {
    const spec = { ...countSpec(1, { strategy: 'fixed-delay', attempts: 1, delayMs: 0 }) };
    spec.config = { restart: spec.config!.restart };
    const job = await Engine.start(spec, { execution: 'in-process', jobId: 'n', debugFailAfter: { nodeId: 'w', records: 5_000 } });
    const { restarts } = watch(job);
    expect((await job.done).status).toBe('finished');
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.snapshotId).toBeUndefined();
    expect(countsOf(job)).toEqual(offlineCounts(3, N, RATE, 'user_id'));
  }, 30_000);
});

describe('restart after a user restored an older checkpoint', () => {
  /** Leaves chk-1..chk-3 in `dir` (a run stopped after three manual checkpoints). */
  async function threeCheckpoints(dir: string, spec: ReturnType<typeof countSpec>): Promise<void> {
    // Manual checkpoints only (a periodic one in progress would refuse the trigger); same topology.
    const manual = { ...spec, config: { ...spec.config, checkpoints: { intervalMs: 600_000, mode: 'exactly-once' as const, retain: 5 } } };
    const job = await Engine.start(manual, { execution: 'in-process', checkpointDir: dir, jobId: 'pin' });
    for (let i = 0; i < 3; i++) await job.triggerCheckpoint!();
    await job.stop();
  }

  it('recovers from the restored checkpoint, not from a newer one taken before the restore', async () => {
    const dir = await tempDir();
    // No periodic checkpoint in the restored run: the failure comes before any checkpoint since the restore.
    const spec = countSpec(1, { strategy: 'fixed-delay', attempts: 1, delayMs: 0 });
    spec.config!.checkpoints = { intervalMs: 600_000, mode: 'exactly-once', retain: 5 };
    await threeCheckpoints(dir, spec);
    const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir, jobId: 'pin', restoreFrom: 'chk-1', debugFailAfter: { nodeId: 'w', records: 500 } });
    const { restarts } = watch(job);
    expect((await job.done).status).toBe('finished');
    expect(restarts.map((r) => r.snapshotId)).toEqual(['chk-1']);
    expect(countsOf(job)).toEqual(offlineCounts(3, N, RATE, 'user_id'));
  }, 60_000);

  it('recovers from the newest checkpoint taken since the restore', async () => {
    const dir = await tempDir();
    const spec = countSpec(1, { strategy: 'fixed-delay', attempts: 2, delayMs: 0 });
    await threeCheckpoints(dir, spec);
    const job = await Engine.start(spec, {
      execution: 'in-process',
      checkpointDir: dir,
      jobId: 'pin',
      restoreFrom: 'chk-2',
      debugFailAfter: { nodeId: 'w', records: 300, runs: 2, afterCheckpoint: true },
    });
    const { restarts } = watch(job);
    expect((await job.done).status).toBe('finished');
    expect(restarts).toHaveLength(2);
    // Taken by the restored runs: numbered after chk-3, the newest checkpoint before the restore.
    for (const r of restarts) expect(Number(r.snapshotId!.slice(4))).toBeGreaterThan(3);
    expect(countsOf(job)).toEqual(offlineCounts(3, N, RATE, 'user_id'));
  }, 60_000);
});
