import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf, offlineCounts, pipeline, readParts, tempDir, until } from '../../test/helpers.js';
import { Engine } from '../index.js';

const N = 30_000;
const RATE = 5_000;
const SEED = 41;

/** Keyed running count (one line per record) into a transactional file sink; periodic checkpoints too. */
function spec(parallelism: number) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: SEED, ratePerSec: RATE, count: N } },
      { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    { parallelism, checkpoints: { intervalMs: 200, mode: 'exactly-once', retain: 3 } },
  );
}

function expected(): string[] {
  const rows: string[] = [];
  for (const [k, n] of offlineCounts(SEED, N, RATE, 'product_id')) for (let c = 1; c <= n; c++) rows.push(`${k}|${c}`);
  return rows.sort();
}

describe('stop with savepoint (drained, as in Flink)', () => {
  for (const [execution, parallelism] of [['in-process', 1], ['threads', 2]] as const) {
    it(`a job restored from it continues without repeating or skipping a record (${execution}, p=${parallelism})`, async () => {
      const dir = await tempDir();
      const options = { baseDir: dir, checkpointDir: join(dir, 'job'), jobId: 'sws', execution, slots: 2 } as const;
      const first = await Engine.start(spec(parallelism), options);
      await until(() => metricsOf(first, 'out').recordsIn >= 500, 60_000);
      const sp = await first.stopWithSavepoint!();
      expect((await first.done).status).toBe('stopped');
      expect(sp.kind).toBe('savepoint');
      const emitted = metricsOf(first, 'gen').recordsOut;
      expect(emitted).toBeLessThan(N); // stopped mid-stream
      // Everything before the barrier reached the sink and was published; nothing after it was emitted.
      expect(metricsOf(first, 'out').recordsIn).toBe(emitted);
      expect((await readParts(join(dir, 'out'))).length).toBe(emitted);

      const second = await Engine.start(spec(parallelism), { ...options, restoreFrom: sp.snapshotId });
      expect((await second.done).status).toBe('finished');
      expect(metricsOf(second, 'gen').recordsOut).toBe(N - emitted);
      const rows = (await readParts(join(dir, 'out'))).map((l) => {
        const r = JSON.parse(l) as { key: number; n: number };
        return `${r.key}|${r.n}`;
      });
      expect(rows.sort()).toEqual(expected());
      expect((await readdir(join(dir, 'out'))).filter((f) => f.startsWith('.'))).toEqual([]);
    }, 120_000);
  }

  it('when the savepoint fails, the sources resume and the job runs on', async () => {
    const dir = await tempDir();
    const job = await Engine.start(spec(1), { baseDir: dir, checkpointDir: join(dir, 'job'), jobId: 'swf', execution: 'in-process', checkpointTimeoutMs: 1 });
    await until(() => metricsOf(job, 'out').recordsIn >= 1_000, 60_000);
    await expect(job.stopWithSavepoint!()).rejects.toThrow(/savepoint \d+ failed: timed out/);
    expect(job.status).toBe('running');
    const after = metricsOf(job, 'gen').recordsOut;
    await until(() => metricsOf(job, 'gen').recordsOut > after + 1_000, 60_000);
    await job.stop();
  }, 60_000);
});
