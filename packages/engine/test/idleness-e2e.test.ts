import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';
import { mkfifo, openWriter, writeLines } from './fifo.js';
import { metricsOf, pipeline, tempDir, until } from './helpers.js';

/**
 * Idleness end to end, on worker threads: `source.file` at parallelism 2 over a folder of two
 * named pipes. Subtask 0 reads a.ndjson, which gets data; subtask 1 reads b.ndjson, which stays
 * open and silent — a source subtask that is really unbounded and idle (not ended: an ended
 * subtask sends the final watermark and holds nothing back).
 */
async function run(idleTimeout: string | undefined) {
  const dir = await tempDir();
  const pipes = ['a.ndjson', 'b.ndjson'].map((f) => mkfifo(join(dir, f)));
  const writers = pipes.map(openWriter);
  const watermark = { maxOutOfOrderness: '0s', intervalMs: 0, ...(idleTimeout === undefined ? {} : { idleTimeout }) };
  const spec = pipeline(
    [
      { id: 'in', kind: 'source.file', params: { path: '.', timestamp: 'ts', watermark } },
      { id: 'key', kind: 'keyBy', params: { key: 'k' } },
      { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 100 } },
    ],
    { parallelism: 2 },
  );
  const job = await Engine.start(spec, { baseDir: dir });
  const [a, b] = await Promise.all(writers);
  // Two records in [0, 10 s), then one at 12 s: the watermark of subtask 0 passes the window.
  await writeLines(a!, [{ k: 'x', ts: 1_000 }, { k: 'x', ts: 2_000 }, { k: 'x', ts: 12_000 }]);
  await until(() => metricsOf(job, 'in').recordsOut === 3, 10_000);
  const close = async () => {
    await a!.close();
    await b!.close();
    return job.done;
  };
  return { job, close };
}

const FIRST_WINDOW = { key: 'x', window_start: 0, window_end: 10_000, n: 2 };

describe('source idleness end to end (parallelism 2, worker threads)', () => {
  it('with watermark.idleTimeout the silent subtask is marked idle and the window fires while the job runs', async () => {
    const { job, close } = await run('300ms');
    try {
      await until(() => metricsOf(job, 'out').recordsIn === 1, 10_000);
      expect(job.status).toBe('running');
      expect(job.preview('out')).toEqual([FIRST_WINDOW]);
      // (The window's watermark metric is no check here: once subtask 0 has read everything it
      // goes idle too, and a task whose inputs are all idle reports no watermark.)
    } finally {
      expect((await close()).status).toBe('finished');
    }
  });

  it('without idleTimeout the silent subtask holds the watermark back: nothing fires until its input ends', async () => {
    const { job, close } = await run(undefined);
    try {
      // Ten times the idle timeout of the other case, with every record already read.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(job.status).toBe('running');
      expect(metricsOf(job, 'win').recordsIn).toBe(3);
      expect(metricsOf(job, 'out').recordsIn).toBe(0);
      expect(metricsOf(job, 'win').watermark).toBeNull();
    } finally {
      // Closing the pipes ends both subtasks: the final watermark fires what was held.
      expect((await close()).status).toBe('finished');
    }
    expect(job.preview('out')).toEqual([FIRST_WINDOW, { key: 'x', window_start: 10_000, window_end: 20_000, n: 1 }]);
  });
});
