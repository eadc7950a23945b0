import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, type JobHandle } from '../index.js';
import { pipeline, runToEnd, tempDir, until } from '../../test/helpers.js';
import type { ThreadedJob } from './threaded-job.js';
import { WorkerPool } from './worker-pool.js';

const threaded = (job: JobHandle) => job as unknown as ThreadedJob;

/** datagen → keyBy user → per-second count; bounded (as fast as it goes) or, without a count, 20k events/s until stopped. */
function keyed(count: number | undefined, seed = 3) {
  const gen = count === undefined ? { ratePerSec: 20_000 } : { ratePerSec: 100_000_000, count };
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed, ...gen, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism: 2 },
  );
}

const rows = (job: JobHandle) => job.preview('out').map((r) => JSON.stringify(r)).sort();

describe('shared worker pool', () => {
  const pools: WorkerPool[] = [];
  const pool = (opts?: ConstructorParameters<typeof WorkerPool>[0]) => {
    const p = new WorkerPool(opts);
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('runs job after job on the same threads, with the results of fresh threads', async () => {
    const { job: reference } = await runToEnd(keyed(20_000), { execution: 'in-process' });
    const expected = rows(reference);
    expect(expected.length).toBeGreaterThan(100);
    const workerPool = pool({ maxIdle: 2 });
    let first: readonly unknown[] = [];
    for (let run = 0; run < 3; run++) {
      const { job, result } = await runToEnd(keyed(20_000), { workerPool, slots: 2 });
      expect(result).toEqual({ status: 'finished' });
      expect(rows(job)).toEqual(expected);
      if (run === 0) first = [...threaded(job).workers];
      else expect(threaded(job).workers).toEqual(expect.arrayContaining([...first]));
      // The job has left its threads; they wait idle, no thread was started for runs 2 and 3.
      expect(threaded(job).liveWorkers).toBe(0);
      expect(workerPool.idleThreads).toBe(2);
      expect(workerPool.started).toBe(2);
    }
  }, 60_000);

  it('stop() of a running job hands its threads back clean: the next job sees nothing of it', async () => {
    const workerPool = pool({ maxIdle: 2 });
    const running = threaded(await Engine.start(keyed(undefined), { workerPool, slots: 2 }));
    const genOut = (j: JobHandle) => j.metrics().operators.find((o) => o.nodeId === 'gen')!.recordsOut;
    await until(() => genOut(running) > 1000);
    await running.stop();
    expect(running.liveWorkers).toBe(0);
    expect(workerPool.idleThreads).toBe(2);
    expect(workerPool.threads).toBe(2);
    const stoppedIn = genOut(running);
    // The next job on the same threads counts only its own records.
    const { job, result } = await runToEnd(keyed(5_000, 9), { workerPool, slots: 2 });
    expect(result).toEqual({ status: 'finished' });
    expect(workerPool.started).toBe(2);
    expect(genOut(job)).toBe(5_000);
    // …and the stopped job's counters did not move after its stop.
    expect(genOut(running)).toBe(stoppedIn);

    // Whatever is asked of the ended job does not reach the threads' next job.
    const next = threaded(await Engine.start(keyed(undefined), { workerPool, slots: 2 }));
    expect(next.workers).toEqual(expect.arrayContaining([...running.workers]));
    running.injectFault('w', 'throw');
    running.injectFault('gen', 'exit');
    await running.stop();
    const at = genOut(next);
    await until(() => genOut(next) > at + 2_000);
    await next.stop();
    expect(next.status).toBe('stopped');
    expect(workerPool.started).toBe(2);
  }, 30_000);

  it("a failed job's threads are ended, not reused", async () => {
    const workerPool = pool({ maxIdle: 2 });
    const job = threaded(await Engine.start(keyed(undefined), { workerPool, slots: 2 }));
    const exits = job.workers.map((w) => once(w, 'exit'));
    job.injectFault('w', 'throw');
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'w' });
    await Promise.all(exits);
    expect(job.liveWorkers).toBe(0);
    expect(workerPool.threads).toBe(0);
    // The next job starts fresh threads.
    const { result: next } = await runToEnd(keyed(2_000), { workerPool, slots: 2 });
    expect(next).toEqual({ status: 'finished' });
    expect(workerPool.started).toBe(4);
  }, 30_000);

  it('idle threads end after idleMs; maxIdle and maxIdleHeapBytes bound what is kept; close() ends the rest', async () => {
    const short = pool({ maxIdle: 2, idleMs: 200 });
    const { job } = await runToEnd(keyed(2_000), { workerPool: short, slots: 2 });
    const exits = threaded(job).workers.map((w) => once(w, 'exit'));
    expect(short.idleThreads).toBe(2);
    await Promise.all(exits);
    expect(short.threads).toBe(0);

    const long = pool({ maxIdle: 1 });
    const { job: other } = await runToEnd(keyed(2_000), { workerPool: long, slots: 2 });
    // Only one thread is kept idle; the other ended with the job.
    expect(long.idleThreads).toBe(1);
    expect(long.threads).toBe(1);
    const idleExit = Promise.race(threaded(other).workers.map((w) => once(w, 'exit')));
    await long.close();
    await idleExit;
    expect(long.threads).toBe(0);
    await expect(runToEnd(keyed(10), { workerPool: long, slots: 2 })).rejects.toThrow(/closed/);

    // A thread whose heap is larger than maxIdleHeapBytes when its job ends is not kept.
    const lean = pool({ maxIdle: 2, maxIdleHeapBytes: 1 });
    const { job: big } = await runToEnd(keyed(2_000), { workerPool: lean, slots: 2 });
    expect(threaded(big).liveWorkers).toBe(0);
    expect(lean.idleThreads).toBe(0);
    expect(lean.threads).toBe(0);
  }, 30_000);

  it('idle threads do not keep the process alive', async () => {
    // A script that runs a job on a pool and never closes it must still exit by itself.
    const index = new URL('../../dist/index.js', import.meta.url).href;
    const script = `
      import { Engine, WorkerPool } from ${JSON.stringify(index)};
      const workerPool = new WorkerPool();
      const spec = ${JSON.stringify(keyed(1_000))};
      const job = await Engine.start(spec, { workerPool, slots: 2 });
      const result = await job.done;
      console.log(result.status, workerPool.idleThreads, result.error?.message ?? '');
    `;
    // A file, not `--eval`: worker threads inherit the process's flags, and `--input-type` is not theirs.
    const file = join(await tempDir(), 'pool-exit.mjs');
    await writeFile(file, script);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 20_000 });
    expect(stdout.trim()).toBe('finished 2');
  }, 30_000);
});
