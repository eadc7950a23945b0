import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OnErrorPolicy } from '@riffle/shared';
import { metricsOf, pipeline, runToEnd, tempDir } from '../../test/helpers.js';

// T18 for aggregates: a window's (or reduce's, over's) aggregate field that fails on a record, and
// a window's `having` that fails on a result, follow the node's onError policy like filter and map.

const ROWS = [
  { k: 'a', ts: 1000, v: 2 },
  { k: 'a', ts: 2000, v: 'x' }, // sum(v): not a number
  { k: 'a', ts: 3000, v: 4 },
  { k: 'b', ts: 4000, v: 5 }, // alone in its window: the having below divides by zero
];

async function input(rows: object[] = ROWS): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'in.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

function windowJob(onError: OnErrorPolicy | undefined) {
  return pipeline([
    { id: 'src', kind: 'source.file', params: { path: 'in.ndjson', timestamp: 'ts' } },
    { id: 'byK', kind: 'keyBy', params: { key: 'k' } },
    {
      id: 'w',
      kind: 'window.tumbling',
      params: { size: '10s', aggregate: [{ fn: 'sum', field: 'v', as: 's' }, { fn: 'count', as: 'n' }], having: '100 / (int(n) - 1) > 0', ...(onError ? { onError } : {}) },
    },
    { id: 'out', kind: 'sink.collect', params: {} },
  ]);
}

const KEPT = [{ key: 'a', window_start: 0, window_end: 10_000, s: 6, n: 2 }];

describe('onError on aggregates and having (T18)', { timeout: 60_000 }, () => {
  it('dlq (the default): the bad record and the failing result are dead-lettered', async () => {
    const dir = await input();
    const { job, result } = await runToEnd(windowJob(undefined), { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(job.preview('out')).toEqual(KEPT);
    expect(metricsOf(job, 'w')).toMatchObject({ recordsIn: 4, deadLettered: 2 });
    const letters = job.deadLetters();
    expect(letters.map((d) => d.nodeId)).toEqual(['w', 'w']);
    expect(letters[0]!.record).toEqual(ROWS[1]);
    expect(letters[0]!.error).toMatch(/not a number/);
    expect(letters[1]!.record).toMatchObject({ key: 'b', n: 1 });
    expect(letters[1]!.error).toMatch(/having: .*division by zero/);
  });

  it('skip drops and counts both, without dead letters', async () => {
    const dir = await input();
    const { job, result } = await runToEnd(windowJob('skip'), { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(job.preview('out')).toEqual(KEPT);
    expect(metricsOf(job, 'w')).toMatchObject({ recordsIn: 4, deadLettered: 0, skippedRecords: 2 });
    expect(job.deadLetters()).toEqual([]);
  });

  it('fail on an aggregate input names the aggregate, the node and the record', async () => {
    const dir = await input();
    const { result } = await runToEnd(windowJob('fail'), { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', domain: 'user', retryable: false, nodeId: 'w' });
    const message = result.error!.message;
    expect(message).toContain('expression `s = sum(v)` of node "w"');
    // The window reads its input from an exchange (after keyBy): the record is named by its count.
    expect(message).toContain('record 2 of subtask 0');
    expect(message).toMatch(/not a number/);
    expect(message).toContain('"v":"x"');
  });

  it('fail on having names the window and key whose result it failed on', async () => {
    const dir = await input(ROWS.filter((r) => r.v !== 'x'));
    const { result } = await runToEnd(windowJob('fail'), { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', nodeId: 'w' });
    const message = result.error!.message;
    expect(message).toContain('expression `having 100 / (int(n) - 1) > 0` of node "w"');
    expect(message).toContain('failed on the result of window [0, 10000) of key "b"');
    expect(message).toMatch(/division by zero/);
  });

  it('reduce and over apply their policy to aggregate inputs', async () => {
    const dir = await input();
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson', timestamp: 'ts' } },
      { id: 'byK', kind: 'keyBy', params: { key: 'k' } },
      { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'sum', field: 'v', as: 's' }], onError: 'skip' } },
      { id: 'out', kind: 'sink.collect', params: {} },
    ]);
    const { job, result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(metricsOf(job, 'r')).toMatchObject({ recordsIn: 4, recordsOut: 3, skippedRecords: 1, deadLettered: 0 });

    const over = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson', timestamp: 'ts' } },
      { id: 'byK', kind: 'keyBy', params: { key: 'k' } },
      { id: 'o', kind: 'over', params: { range: '10s', aggregate: [{ fn: 'max', field: 'v', as: 'hi' }], onError: 'fail' } },
      { id: 'out', kind: 'sink.collect', params: {} },
    ]);
    const failed = await runToEnd(over, { baseDir: await input() });
    expect(failed.result.status).toBe('failed');
    expect(failed.result.error).toMatchObject({ code: 'expression_failed', nodeId: 'o' });
    expect(failed.result.error!.message).toContain('expression `hi = max(v)` of node "o"');
  });
});
