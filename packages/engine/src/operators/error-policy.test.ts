import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OnErrorPolicy } from '@riffle/shared';
import type { RestartInfo } from '../api.js';
import { metricsOf, pipeline, readParts, runToEnd, tempDir } from '../../test/helpers.js';

// T18: a node's onError policy for records its expression fails on (missing field, division by
// zero, type mismatch). The default, dlq, is the job's dead-letter output (counted, sampled).

const ROWS = [
  { id: 1, a: 10, b: 2 },
  { id: 2, a: 1, b: 0 }, // division by zero
  { id: 3, a: 9, b: 3 },
  { id: 4, a: 5 }, // no b
  { id: 5, a: 8, b: 4 },
  { id: 6, a: 'x', b: 1 }, // int('x') fails
];

async function input(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'in.ndjson'), ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

function ratioJob(onError: OnErrorPolicy | undefined, extra: Record<string, unknown> = {}, parallelism = 1) {
  return pipeline(
    [
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
      { id: 'ratio', kind: 'map', params: { fields: [{ as: 'id', expr: 'id' }, { as: 'q', expr: 'int(a) / int(b)' }], ...(onError ? { onError } : {}) } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    { parallelism, ...extra },
  );
}

const GOOD = [
  { id: 1, q: 5 },
  { id: 3, q: 3 },
  { id: 5, q: 2 },
];

describe('onError policy (T18)', { timeout: 60_000 }, () => {
  it('dlq (the default) sends failing records to the dead-letter output', async () => {
    for (const policy of [undefined, 'dlq'] as const) {
      const dir = await input();
      const { job, result } = await runToEnd(ratioJob(policy), { baseDir: dir });
      expect(result.status).toBe('finished');
      expect((await readParts(join(dir, 'out'))).map((l) => JSON.parse(l))).toEqual(GOOD);
      expect(metricsOf(job, 'ratio')).toMatchObject({ recordsIn: 6, recordsOut: 3, deadLettered: 3 });
      expect(metricsOf(job, 'ratio').skippedRecords).toBeUndefined();
      expect(job.metrics().deadLetters).toBe(3);
      const letters = job.deadLetters();
      expect(letters.map((d) => [d.nodeId, (d.record as { id: number }).id])).toEqual([
        ['ratio', 2],
        ['ratio', 4],
        ['ratio', 6],
      ]);
      expect(letters[0]!.error).toMatch(/division by zero/);
      expect(letters[1]!.error).toMatch(/b/);
    }
  });

  it('skip drops failing records and counts them, without dead letters (in-process and on worker threads)', async () => {
    for (const parallelism of [1, 2]) {
      const dir = await input();
      const { job, result } = await runToEnd(ratioJob('skip', {}, parallelism), { baseDir: dir, slots: 2 });
      expect(result.status).toBe('finished');
      const out = (await readParts(join(dir, 'out'))).map((l) => JSON.parse(l) as { id: number });
      expect(out.sort((a, b) => a.id - b.id)).toEqual(GOOD);
      expect(metricsOf(job, 'ratio')).toMatchObject({ recordsIn: 6, recordsOut: 3, deadLettered: 0, skippedRecords: 3 });
      expect(job.metrics().deadLetters).toBe(0);
      expect(job.deadLetters()).toEqual([]);
    }
  });

  it('skip also applies to filters (non-bool result) and key expressions', async () => {
    const dir = await input();
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
      { id: 'f', kind: 'filter', params: { expr: 'int(a) / int(b) > 1', onError: 'skip' } },
      // Records 1 and 3 pass; 5 divides by zero here.
      { id: 'k', kind: 'keyBy', params: { key: 'int(b) / (int(a) - 8)', onError: 'skip' } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const { job, result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('finished');
    expect((await readParts(join(dir, 'out'))).map((l) => JSON.parse(l).id)).toEqual([1, 3]);
    expect(metricsOf(job, 'f')).toMatchObject({ recordsOut: 3, deadLettered: 0, skippedRecords: 3 });
    expect(metricsOf(job, 'k')).toMatchObject({ recordsIn: 3, recordsOut: 2, deadLettered: 0, skippedRecords: 1 });
  });

  it('fail fails the job after the bounded restart attempts, naming expression, node and record', async () => {
    const dir = await input();
    const spec = ratioJob('fail', { restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 0 } });
    const { job, result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', domain: 'user', retryable: false, nodeId: 'ratio' });
    const message = result.error!.message;
    expect(message).toContain('int(a) / int(b)');
    expect(message).toContain('"ratio"');
    // The second line of the input is the first to fail; the map is chained to the file source,
    // which names the record's origin.
    expect(message).toContain(`failed on line 2 of ${join(dir, 'in.ndjson')}:`);
    expect(message).toMatch(/division by zero/);
    expect(message).toContain('"id":2');
    // Exactly the configured attempts, then FAILED for good: no restart loop.
    expect((job as unknown as { restartHistory(): RestartInfo[] }).restartHistory()).toHaveLength(2);
    expect(job.status).toBe('failed');
  });

  it('fail names the record by its count at the subtask when it crossed an exchange (no origin travels with it)', async () => {
    const dir = await input();
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
      { id: 'k', kind: 'keyBy', params: { key: 'id' } },
      { id: 'f', kind: 'filter', params: { expr: 'int(a) / int(b) > 0', onError: 'fail' } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const { result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', nodeId: 'f' });
    expect(result.error!.message).toContain('failed on record 2 of subtask 0 (counted since the job last started)');
    expect(result.error!.message).toContain('"id":2');
  });

  it('fail after a generator names the generated record', async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { count: 50, ratePerSec: 1_000_000, startTime: 0 } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'x', expr: '100 / (user_id - user_id)' }], onError: 'fail' } },
      { id: 'out', kind: 'sink.collect', params: {} },
    ]);
    const { result } = await runToEnd(spec);
    expect(result.status).toBe('failed');
    expect(result.error!.message).toContain('failed on generated record 0 (index in the whole sequence)');
  });

  it('fail on worker threads fails the job too (parallelism 2, threaded runtime)', async () => {
    const dir = await input();
    const spec = ratioJob('fail', { restart: { strategy: 'fixed-delay', attempts: 1, delayMs: 0 } }, 2);
    const { result } = await runToEnd(spec, { baseDir: dir, execution: 'threads', slots: 2 });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', nodeId: 'ratio' });
    expect(result.error!.message).toMatch(/expression `q = int\(a\) \/ int\(b\)` of node "ratio" failed on line \d of .*in\.ndjson: /);
  });
});
