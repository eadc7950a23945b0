import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf, partFiles, pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine } from '../index.js';

// T14 (Flink's test_resume_externalized_checkpoints.sh, ORIGINAL_DOP → NEW_DOP): one job run at
// parallelism 2, stopped with a savepoint, restored at 3 (worker threads) and failed after a
// checkpoint, restored at 1 from that checkpoint, to the end. Its published output, byte for byte,
// is what one uninterrupted run at parallelism 1 writes. Integer aggregates only: a float sum would
// depend on the order records meet, which parallelism changes.

const N = 200_000;
const RATE = 20_000;

function spec(parallelism: number, checkpoints: boolean) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 14, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '4s' } } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      {
        id: 'w',
        kind: 'window.tumbling',
        params: {
          size: '1s',
          aggregate: [
            { fn: 'count', as: 'n' },
            { fn: 'sum', field: 'product_id', as: 'products' },
            { fn: 'max', field: 'price', as: 'top' },
          ],
        },
      },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    { parallelism, ...(checkpoints ? { checkpoints: { intervalMs: 100, mode: 'exactly-once', retain: 3 } } : {}) },
  );
}

/** The published output of a folder: all part files' lines, sorted (part files are per subtask). */
async function output(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const f of await partFiles(join(dir, 'out'))) lines.push(...(await readFile(join(dir, 'out', f), 'utf8')).split('\n').filter((l) => l !== ''));
  return lines.sort().join('\n');
}

const completed = (job: { checkpoints?(): Array<{ status: string }> }) => job.checkpoints!().filter((c) => c.status === 'completed').length;

describe('restore at parallelism 2 → 3 → 1 (T14)', () => {
  it('publishes byte for byte what an uninterrupted run at parallelism 1 does', async () => {
    // The uninterrupted run goes alongside (both are rate limited).
    const ref = await tempDir();
    const reference = await Engine.start(spec(1, false), { baseDir: ref, execution: 'in-process' });

    const dir = await tempDir();
    const base = { baseDir: dir, checkpointDir: join(dir, 'job'), jobId: 't14', slots: 2 } as const;
    // p=2: some checkpoints, then stop with a savepoint mid-input.
    const first = await Engine.start(spec(2, true), { ...base, execution: 'in-process' });
    await until(() => completed(first) >= 2 && metricsOf(first, 'out').recordsIn > 0, 60_000);
    const sp = await first.stopWithSavepoint!();
    expect((await first.done).status).toBe('stopped');
    const emitted1 = metricsOf(first, 'gen').recordsOut;
    expect(emitted1).toBeLessThan(N);

    // p=3 on worker threads, from the savepoint; fails on purpose once a checkpoint of its own completed.
    const second = await Engine.start(spec(3, true), { ...base, execution: 'threads', restoreFrom: sp.snapshotId, debugFailAfter: { nodeId: 'out', records: 200, afterCheckpoint: true } });
    expect(second.restored?.snapshotId).toBe(sp.snapshotId);
    const failed = await second.done;
    expect(failed.status, JSON.stringify(failed)).toBe('failed');
    expect(failed.error?.message).toMatch(/debugFailAfter/);

    // p=1 from the newest checkpoint the p=3 run completed, to the end.
    const third = await Engine.start(spec(1, true), { ...base, execution: 'in-process', restoreFrom: 'latest' });
    const from = third.restored?.snapshotId ?? '';
    expect(from).toMatch(/^chk-\d+$/);
    expect(Number(from.slice(4))).toBeGreaterThan(sp.id); // a checkpoint of the p=3 run
    const r = await third.done;
    console.log(`T14: p=2 emitted ${emitted1}, savepoint ${sp.snapshotId}; p=3 emitted ${metricsOf(second, 'gen').recordsOut} and published ${metricsOf(second, 'out').recordsIn} before failing; p=1 from ${from} emitted ${metricsOf(third, 'gen').recordsOut}`);
    expect(r.status, r.error?.message).toBe('finished');
    // Resumed: the last run did not read the input from the start.
    expect(metricsOf(third, 'gen').recordsOut).toBeLessThan(N - emitted1);
    for (const job of [first, third]) expect(metricsOf(job, 'w').lateRecordsDropped).toBe(0);

    expect((await reference.done).status).toBe('finished');
    expect(metricsOf(reference, 'w').lateRecordsDropped).toBe(0);
    const want = await output(ref);
    expect(want.split('\n').length).toBeGreaterThan(5_000);
    expect(await output(dir)).toBe(want);
    expect((await readdir(join(dir, 'out'))).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 180_000);
});
