import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';
import { mkfifo, openWriter, writeLines } from './fifo.js';
import { metricsOf, pipeline, tempDir, until } from './helpers.js';

/**
 * State TTL in a running job (issue #4): `reduce {ttl}` forgets a key not seen for `ttl` of
 * processing time. The clock is injected (`stateClock`) and the input is a named pipe, so each
 * step happens at a known clock time after the job has read exactly what the test wrote.
 */
describe.each(['heap', 'disk'] as const)('state TTL at job level, %s backend', (stateBackend) => {
  it('a key not seen for the TTL starts over; a key seen in time keeps counting; expired keys leave the state', async () => {
    const dir = await tempDir();
    const pipe = mkfifo(join(dir, 'in.ndjson'));
    const writer = openWriter(pipe);
    const spec = pipeline(
      [
        { id: 'in', kind: 'source.file', params: { path: 'in.ndjson' } },
        { id: 'key', kind: 'keyBy', params: { key: 'k' } },
        { id: 'sum', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }], ttl: '10s' } },
        { id: 'out', kind: 'sink.collect', params: { limit: 1000 } },
      ],
      { parallelism: 1, time: 'processing', stateBackend },
    );
    let now = 1_000_000;
    // A cache of one key: with the disk backend nearly every access goes through LevelDB.
    const job = await Engine.start(spec, { baseDir: dir, stateClock: () => now, stateCacheKeys: 1 });
    const w = await writer;
    const out = () => job.preview('out') as Array<{ key: string; n: number }>;
    const last = (key: string) => out().filter((r) => r.key === key).at(-1)?.n;
    try {
      await writeLines(w, [{ k: 'a' }, { k: 'b' }, { k: 'c' }, { k: 'a' }, { k: 'b' }, { k: 'c' }]);
      await until(() => out().length === 6, 20_000);
      expect([last('a'), last('b'), last('c')]).toEqual([2, 2, 2]);
      expect(metricsOf(job, 'sum').stateKeys).toBe(3);

      // 6 s later `a` is seen again: its count goes on and its TTL restarts.
      now += 6_000;
      await writeLines(w, [{ k: 'a' }]);
      await until(() => out().length === 7, 20_000);
      expect(last('a')).toBe(3);

      // 12 s after `b` and `c` were last written (6 s after `a`): `b` starts over, `a` goes on.
      now += 6_000;
      await writeLines(w, [{ k: 'b' }, { k: 'a' }]);
      await until(() => out().length === 9, 20_000);
      expect(out().slice(-2)).toEqual([
        { key: 'b', n: 1 },
        { key: 'a', n: 4 },
      ]);
      // `c` was never read again: the processing-time cleanup removes it from the state.
      await until(() => metricsOf(job, 'sum').stateKeys === 2, 20_000);
    } finally {
      await w.close();
    }
    expect((await job.done).status).toBe('finished');
  });
});
