import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';
import { mkfifo, openWriter, writeLines } from './fifo.js';
import { metricsOf, pipeline, tempDir, until } from './helpers.js';

/**
 * State size in `job.metrics()` (`stateKeys`, `stateBytes`), both runtimes. The input is a named
 * pipe, so every assertion happens at a point where the job has read exactly what the test wrote
 * and nothing else can change the state (watermarks follow the records: intervalMs 0).
 */
const keyed = (i: number) => ({ k: `k${i}`, ts: 1_000 + i });

describe.each([1, 2])('state size metrics at parallelism %i', (parallelism) => {
  it('stateKeys grows with distinct keys and drops back once the watermark fires the windows', async () => {
    const dir = await tempDir();
    const pipe = mkfifo(join(dir, 'in.ndjson'));
    const writer = openWriter(pipe);
    const spec = pipeline(
      [
        { id: 'in', kind: 'source.file', params: { path: 'in.ndjson', timestamp: 'ts', watermark: { maxOutOfOrderness: '0s', intervalMs: 0 } } },
        { id: 'key', kind: 'keyBy', params: { key: 'k' } },
        { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
        { id: 'out', kind: 'sink.collect', params: { limit: 1000 } },
      ],
      { parallelism },
    );
    const job = await Engine.start(spec, { baseDir: dir });
    const w = await writer;
    const win = () => metricsOf(job, 'win');
    try {
      // 300 records of 100 keys, all in the window [0, 10 s): nothing fires.
      await writeLines(w, Array.from({ length: 300 }, (_, i) => keyed(i % 100)));
      await until(() => win().recordsIn === 300 && win().stateKeys === 100, 10_000);
      const bytesAt100 = win().stateBytes!;
      expect(bytesAt100).toBeGreaterThan(100 * 16);
      expect(metricsOf(job, 'out').recordsIn).toBe(0);
      expect(metricsOf(job, 'key').stateKeys).toBeUndefined(); // keyBy keeps no state
      if (parallelism === 2) {
        const perSubtask = win().subtasks!.map((s) => s.stateKeys!);
        expect(perSubtask.every((n) => n > 0)).toBe(true);
        expect(perSubtask.reduce((a, b) => a + b, 0)).toBe(100);
      }

      // 50 more keys, same window: the state grows.
      await writeLines(w, Array.from({ length: 50 }, (_, i) => keyed(100 + i)));
      await until(() => win().recordsIn === 350 && win().stateKeys === 150, 10_000);
      expect(win().stateBytes!).toBeGreaterThan(bytesAt100);

      // A record at 25 s moves the watermark past the first window: it fires for all 150 keys and
      // its state is cleared (no allowed lateness); only the new record's key holds state.
      await writeLines(w, [{ k: 'later', ts: 25_000 }]);
      await until(() => metricsOf(job, 'out').recordsIn === 150 && win().stateKeys === 1, 10_000);
      expect(win().stateBytes!).toBeLessThan(bytesAt100 / 10);
    } finally {
      await w.close();
    }
    // End of input: the final watermark fires the last window; no state is left.
    expect((await job.done).status).toBe('finished');
    expect(metricsOf(job, 'out').recordsIn).toBe(151);
    expect(win().stateKeys).toBe(0);
    expect(win().stateBytes).toBe(0);
  });
});
