import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline, readParts, tempDir } from '../../test/helpers.js';
import { clickEvent } from '../datagen/clickstream.js';
import { Engine } from '../index.js';

const RATE = 4000;
const N = 5000;
const gen = (id: string, seed: number) => ({ id, kind: 'source.datagen' as const, parallelism: 1, params: { seed, ratePerSec: RATE, count: N, watermark: { maxOutOfOrderness: '5s' } } });
const sink = { id: 'out', kind: 'sink.file' as const, params: { path: 'out' } };

/** A two-input join of two generators keyed by user, into the file sink. */
function joinSpec(kind: 'join.interval' | 'join.window', params: Record<string, unknown>) {
  return {
    ...pipeline([gen('l', 1), { id: 'kl', kind: 'keyBy', parallelism: 1, params: { key: 'user_id' } }, gen('r', 2), { id: 'kr', kind: 'keyBy', parallelism: 1, params: { key: 'user_id' } }, { id: 'j', kind, params }, sink]),
    edges: [
      { from: 'l', to: 'kl' },
      { from: 'r', to: 'kr' },
      { from: 'kl', to: 'j', toPort: 'left' },
      { from: 'kr', to: 'j', toPort: 'right' },
      { from: 'j', to: 'out' },
    ],
  };
}

/** Each case: a spec (sources pinned to parallelism 1, so per-key order is the same at any parallelism) and the node that holds state. */
const CASES: Record<string, { spec: (dir: string) => Promise<ReturnType<typeof pipeline>> }> = {
  dedupe: { spec: async () => pipeline([gen('g', 4), { id: 'k', kind: 'keyBy', parallelism: 1, params: { key: 'user_id' } }, { id: 'd', kind: 'dedupe', params: { within: '2s' } }, sink]) },
  over: {
    spec: async () => pipeline([gen('g', 5), { id: 'k', kind: 'keyBy', parallelism: 1, params: { key: 'product_id' } }, { id: 'o', kind: 'over', params: { range: '1s', aggregate: [{ fn: 'count', as: 'n' }] } }, sink]),
  },
  'join.interval': { spec: async () => joinSpec('join.interval', { before: '200ms', after: '200ms' }) },
  'join.window': { spec: async () => joinSpec('join.window', { size: '1s' }) },
  'source.file': {
    spec: async (dir) => {
      // Three files, so a subtask at parallelism 2 takes over positions of files it did not read.
      await mkdir(join(dir, 'in'));
      for (let f = 0; f < 3; f++) {
        const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ file: f, i, ...clickEvent(9, f * 1500 + i, RATE, 0) }));
        await writeFile(join(dir, 'in', `part-${f}.ndjson`), lines.join('\n') + '\n');
      }
      return pipeline([{ id: 'src', kind: 'source.file', params: { path: 'in', ratePerSec: RATE } }, { id: 'm', kind: 'filter', params: { expr: 'true' } }, sink]);
    },
  },
};

function withParallelism<T extends { config?: object }>(spec: T, parallelism: number, checkpoints: boolean): T {
  return { ...spec, config: { parallelism, ...(checkpoints ? { checkpoints: { intervalMs: 50, mode: 'exactly-once', retain: 3 } } : {}) } };
}

describe('operators that snapshot their state: a failed run restored at parallelism 1 and 2 publishes what an uninterrupted run does', () => {
  for (const [kind, c] of Object.entries(CASES)) {
    for (const to of [1, 2]) {
      it(`${kind}: 1 → ${to}`, async () => {
        const ref = await tempDir();
        const base = await c.spec(ref);
        const reference = await Engine.start(withParallelism(base, 1, false), { baseDir: ref, execution: 'in-process' });
        expect((await reference.done).status).toBe('finished');
        const want = (await readParts(join(ref, 'out'))).sort();
        expect(want.length).toBeGreaterThan(100);

        const dir = await tempDir();
        await c.spec(dir);
        // The sink fails after a checkpoint completed: its later output stays unpublished.
        const first = await Engine.start(withParallelism(base, 1, true), {
          baseDir: dir,
          checkpointDir: join(dir, 'job'),
          execution: 'in-process',
          debugFailAfter: { nodeId: 'out', records: 50, afterCheckpoint: true },
        });
        expect((await first.done).status).toBe('failed');
        const second = await Engine.start(withParallelism(base, to, true), { baseDir: dir, checkpointDir: join(dir, 'job'), execution: 'in-process', restoreFrom: 'latest' });
        expect(second.restored?.snapshotId).toMatch(/^chk-\d+$/);
        const r = await second.done;
        expect(r.status, r.error?.message).toBe('finished');
        expect((await readParts(join(dir, 'out'))).sort()).toEqual(want);
      }, 60_000);
    }
  }
});
