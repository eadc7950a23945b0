import type { Partitioning } from '@riffle/shared';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, type JobHandle } from '../index.js';
import { metricsOf, pipeline, runToEnd, tempDir, until } from '../../test/helpers.js';
import { BATCH_RECORDS, INITIAL_CREDITS } from './batch-channel.js';
import { SOURCE_BATCH } from './source-driver.js';
import type { OperatorLoadMetrics } from './metrics.js';
import type { ThreadedJob } from './threaded-job.js';

const threaded = (job: JobHandle) => job as unknown as ThreadedJob;
const loadOf = (job: JobHandle, nodeId: string) => metricsOf(job, nodeId) as ReturnType<typeof metricsOf> & OperatorLoadMetrics;

/** datagen → filter (edge distribution `dist`) → keyBy → per-second count/min/max per product. */
function keyedSpec(parallelism: number, dist: Partitioning | undefined, sink: Record<string, unknown> = { kind: 'sink.collect', params: { limit: 10_000 } }) {
  const spec = pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 7, ratePerSec: 100_000_000, count: 30_000, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'f', kind: 'filter', params: { expr: "event_type != 'purchase'" } },
      { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
      {
        id: 'w',
        kind: 'window.tumbling',
        params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'min', field: 'price', as: 'lo' }, { fn: 'max', field: 'price', as: 'hi' }] },
      },
      { id: 'out', ...sink } as { id: string; kind: string },
    ],
    { parallelism },
  );
  if (dist !== undefined) spec.edges[0]!.partitioning = dist;
  return spec;
}

const rows = (job: JobHandle) => job.preview('out').map((r) => JSON.stringify(r)).sort();

describe('threaded runtime', () => {
  it('gives identical keyed aggregates at parallelism 1, 2 and 4, with forward and rebalance before the keyBy', async () => {
    const { job: reference, result } = await runToEnd(keyedSpec(1, undefined), { execution: 'in-process' });
    expect(result.status).toBe('finished');
    const expected = rows(reference);
    expect(expected.length).toBeGreaterThan(100);
    for (const p of [1, 2, 4]) {
      for (const dist of ['forward', 'rebalance'] as const) {
        const { job, result } = await runToEnd(keyedSpec(p, dist), { execution: 'threads', slots: 2 });
        expect(result, `p=${p} ${dist}`).toEqual({ status: 'finished' });
        expect(rows(job), `p=${p} ${dist}`).toEqual(expected);
        expect(metricsOf(job, 'w')).toMatchObject({ parallelism: p, recordsIn: metricsOf(reference, 'w').recordsIn, lateRecordsDropped: 0 });
        expect(threaded(job).liveWorkers).toBe(0);
      }
    }
  }, 60_000); // seven jobs one after the other: a loaded machine needs more than the default 15 s

  it('gives the same aggregates with mixed per-node parallelism (rebalance 1 → 3, hash 3 → 2, rebalance 2 → 1)', async () => {
    const { job: reference } = await runToEnd(keyedSpec(1, undefined), { execution: 'in-process' });
    const spec = keyedSpec(2, undefined);
    const parallelism: Record<string, number> = { gen: 1, f: 3, k: 3, w: 2, out: 1 };
    for (const n of spec.nodes) n.parallelism = parallelism[n.id]!;
    const { job, result } = await runToEnd(spec, { slots: 2 });
    expect(result).toEqual({ status: 'finished' });
    expect(job.plan!().edges.map((e) => e.partitioning)).toEqual(['rebalance', 'forward', 'hash', 'rebalance']);
    expect(rows(job)).toEqual(rows(reference));
  });

  it('sends every record of a key to one subtask (hash by key group)', async () => {
    const dir = await tempDir();
    const { result } = await runToEnd(keyedSpec(4, undefined, { kind: 'sink.file', params: { path: dir } }), { execution: 'threads', slots: 2 });
    expect(result.status).toBe('finished');
    const subtaskOfKey = new Map<unknown, Set<string>>();
    for (const f of await readdir(dir)) {
      const subtask = /^part-(\d+)-/.exec(f)![1]!;
      for (const line of (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean)) {
        const key = JSON.parse(line).key;
        if (!subtaskOfKey.has(key)) subtaskOfKey.set(key, new Set());
        subtaskOfKey.get(key)!.add(subtask);
      }
    }
    expect(subtaskOfKey.size).toBe(100);
    for (const subtasks of subtaskOfKey.values()) expect(subtasks.size).toBe(1);
    expect(new Set([...subtaskOfKey.values()].map((s) => [...s][0])).size).toBe(4);
  });

  it('broadcast delivers every record to every subtask', async () => {
    const spec = pipeline(
      [
        { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 100_000_000, count: 5000 }, parallelism: 1 },
        { id: 'f', kind: 'filter', params: { expr: 'true' }, parallelism: 3 },
        { id: 'out', kind: 'sink.collect', parallelism: 3 },
      ],
      { parallelism: 3 },
    );
    spec.edges[0]!.partitioning = 'broadcast';
    const { job, result } = await runToEnd(spec, { slots: 2 });
    expect(result.status).toBe('finished');
    const f = loadOf(job, 'f');
    expect(f.recordsIn).toBe(15_000);
    expect(f.subtasks!.map((s) => s.recordsIn)).toEqual([5000, 5000, 5000]);
    expect(job.plan!().edges.find((e) => e.from === 'gen')).toEqual({ from: 'gen', to: 'f', partitioning: 'broadcast', chained: false });
  });

  it('back-pressure: a sink 10× slower than the source keeps buffered records under the credit bound', async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 100_000_000 } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10 } },
    ], { parallelism: 2 });
    const job = await Engine.start(spec, { slots: 2 });
    threaded(job).injectFault('out', 'slow', 20); // ≤ 50k records/s per subtask; the source makes millions
    // Per producer subtask: 2 channels × (credits in flight + one batch of overshoot) + one source poll.
    const boundPerTask = 2 * (INITIAL_CREDITS + 2) * BATCH_RECORDS + SOURCE_BATCH;
    let samples = 0;
    let sawBackPressure = false;
    await until(() => metricsOf(job, 'out').recordsIn > 20_000, 20_000);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 260));
      const gen = loadOf(job, 'gen');
      for (const s of gen.subtasks ?? []) expect(s.bufferedRecords).toBeLessThanOrEqual(boundPerTask);
      // Records the sources emitted that the sinks have not seen yet: in flight or buffered.
      expect(gen.recordsOut - metricsOf(job, 'out').recordsIn).toBeLessThanOrEqual(2 * boundPerTask + 2 * 50_000);
      if ((gen.backPressuredRatio ?? 0) > 0) sawBackPressure = true;
      samples++;
    }
    await job.stop();
    expect(samples).toBe(8);
    expect(sawBackPressure).toBe(true);
  });

  it('dead-letters failing records on every worker and keeps going', async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 100_000_000, count: 10_000 } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'q', expr: '1000 / (user_id % 2)' }] } },
      { id: 'out', kind: 'sink.collect' },
    ], { parallelism: 2 });
    const { job, result } = await runToEnd(spec, { slots: 2 });
    expect(result.status).toBe('finished');
    const m = metricsOf(job, 'm');
    expect(m.deadLettered).toBeGreaterThan(4000);
    expect(m.recordsOut + m.deadLettered).toBe(10_000);
    expect(job.metrics().deadLetters).toBe(m.deadLettered);
    expect(job.deadLetters().length).toBeGreaterThan(0);
    expect(job.deadLetters()[0]).toMatchObject({ nodeId: 'm' });
    expect(job.preview('out').length).toBe(100);
  });

  it('stop() leaves no worker thread alive', async () => {
    const job = threaded(await Engine.start(keyedSpec(2, undefined), { execution: 'threads', slots: 2 }));
    const workers = [...job.workers];
    expect(workers.length).toBe(2);
    const exits = workers.map((w) => new Promise<number>((r) => w.once('exit', () => r(w.threadId))));
    await job.stop();
    expect(job.liveWorkers).toBe(0);
    // An exited worker reports threadId -1; every exit was observed.
    expect(await Promise.all(exits)).toEqual([-1, -1]);
  });

  it('a worker crash fails the job naming the operator and stops the other workers', async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 50_000 } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect' },
    ], { parallelism: 2 });
    const job = threaded(await Engine.start(spec, { slots: 2 }));
    job.injectFault('w', 'exit');
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'w', code: 'operator_failed' });
    expect(result.error!.message).toMatch(/worker thread \d exited unexpectedly \(code 70\).*w → out/);
    expect(job.liveWorkers).toBe(0);
  });

  it('a subtask that cannot open (missing file) fails the job at start, naming the operator', async () => {
    const dir = await tempDir();
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'missing.ndjson' } },
      { id: 'out', kind: 'sink.collect' },
    ], { parallelism: 2 });
    const job = threaded(await Engine.start(spec, { baseDir: dir, slots: 2 }));
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ nodeId: 'src', code: 'file_not_found' });
    expect(job.liveWorkers).toBe(0);
  });

  it('an operator bug in a worker fails the job naming the operator', async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 50_000 } },
      { id: 'f', kind: 'filter', params: { expr: 'true' } },
      { id: 'out', kind: 'sink.collect' },
    ], { parallelism: 2 });
    const job = threaded(await Engine.start(spec, { slots: 2 }));
    job.injectFault('f', 'throw');
    const result = await job.done;
    expect(result.error).toMatchObject({ nodeId: 'f', code: 'operator_failed', domain: 'internal' });
    expect(result.error!.message).toMatch(/"f".*injected fault/);
    expect(job.liveWorkers).toBe(0);
  });

  it("log lines written in a worker thread reach the job's logger, with the worker's index", async () => {
    const lines: Array<{ level: string; msg: string; data?: Record<string, unknown> }> = [];
    const at = (level: string) => (msg: string, data?: Record<string, unknown>) => void lines.push({ level, msg, ...(data === undefined ? {} : { data }) });
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 50_000 } },
      { id: 'f', kind: 'filter', params: { expr: 'true' } },
      { id: 'out', kind: 'sink.collect' },
    ], { parallelism: 2 });
    const job = threaded(await Engine.start(spec, { slots: 2, logger: { info: at('info'), warn: at('warn'), error: at('error') } }));
    job.injectFault('f', 'throw');
    await job.done;
    // The worker runtime logs the failing task itself; only the worker could have written this line.
    const line = lines.find((l) => l.msg === 'task failed');
    expect(line).toMatchObject({ level: 'error', data: { nodeId: 'f', code: 'operator_failed' } });
    expect(line!.data!.worker).toEqual(expect.any(Number));
  });
});
