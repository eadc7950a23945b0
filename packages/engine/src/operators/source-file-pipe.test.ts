import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkfifo, openWriter, writeLines } from '../../test/fifo.js';
import { metricsOf, pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine } from '../index.js';

const spec = pipeline(
  [
    { id: 'src', kind: 'source.file', params: { path: 'live.ndjson' } },
    { id: 'out', kind: 'sink.collect', params: { limit: 100 } },
  ],
  { checkpoints: { intervalMs: 3_600_000, mode: 'exactly-once', retain: 3 } },
);

describe('source.file on a named pipe that goes quiet', () => {
  for (const execution of ['in-process', 'threads'] as const) {
    it(`completes a checkpoint while the pipe is idle, at the position of the lines read (${execution})`, async () => {
      const dir = await tempDir();
      mkfifo(join(dir, 'live.ndjson'));
      const writer = openWriter(join(dir, 'live.ndjson'));
      // The checkpoint would otherwise wait for the next line: a generous timeout, then failure.
      const job = await Engine.start(spec, { baseDir: dir, checkpointDir: join(dir, 'job'), execution, slots: 1, checkpointTimeoutMs: 60_000 });
      const w = await writer;
      try {
        const first = Array.from({ length: 10 }, (_, i) => ({ i }));
        await writeLines(w, first);
        await until(() => metricsOf(job, 'out').recordsIn === 10, 30_000);
        // Nothing more is written until the checkpoint completed.
        const chk = await job.triggerCheckpoint!();
        const meta = JSON.parse(await readFile(join(dir, 'job', 'checkpoints', chk.snapshotId, '_metadata'), 'utf8')).body;
        const bytes = first.reduce((n, r) => n + JSON.stringify(r).length + 1, 0);
        expect(meta.extra.sources.src).toEqual([{ files: { '.': bytes } }]);
        await writeLines(w, [{ i: 10 }, { i: 11 }]);
        await until(() => metricsOf(job, 'out').recordsIn === 12, 30_000);
      } finally {
        await w.close();
      }
      expect((await job.done).status).toBe('finished');
      expect(job.preview('out')).toEqual(Array.from({ length: 12 }, (_, i) => ({ i })));
    }, 90_000);
  }
});
