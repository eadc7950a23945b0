import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';
import { metricsOf, partFiles, pipeline, readParts, tempDir, until } from '../../test/helpers.js';

describe('sink.file', () => {
  it('keeps output in a hidden in-progress file while running and makes it visible on stop', async () => {
    const dir = await tempDir();
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 2000 } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const job = await Engine.start(spec, { baseDir: dir });
    await until(() => metricsOf(job, 'out').recordsIn >= 200);
    await new Promise((r) => setTimeout(r, 250)); // a processing-time tick flushes the buffer to disk
    const during = await readdir(join(dir, 'out'));
    expect(during).toEqual(['.part-0-0.ndjson.inprogress']);
    await job.stop();
    expect(await readdir(join(dir, 'out'))).toEqual(['part-0-0.ndjson']);
    const lines = (await readFile(join(dir, 'out', 'part-0-0.ndjson'), 'utf8')).trim().split('\n');
    expect(lines.length).toBe(metricsOf(job, 'out').recordsIn);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['user_id', 'product_id', 'event_type', 'price', 'ts']);
  });

  it('continues numbering after existing part files instead of overwriting them', async () => {
    const dir = await tempDir();
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 1e8, count: 10 } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    await (await Engine.start(spec, { baseDir: dir })).done;
    await (await Engine.start(spec, { baseDir: dir })).done;
    expect(await partFiles(join(dir, 'out'))).toEqual(['part-0-0.ndjson', 'part-0-1.ndjson']);
  });

  it('with checkpoints, publishes a part only when its checkpoint completes, and on stop drops what no checkpoint covers', async () => {
    const dir = await tempDir();
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 2000 } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const job = await Engine.start(spec, { baseDir: dir, checkpointDir: join(dir, 'job'), execution: 'in-process' });
    await until(() => metricsOf(job, 'out').recordsIn >= 200);
    await new Promise((r) => setTimeout(r, 250)); // a processing-time tick flushes the buffer to disk
    expect(await readdir(join(dir, 'out'))).toEqual(['.part-0-0.ndjson.inprogress']);
    const chk = await job.triggerCheckpoint!();
    await until(() => readdirSync(join(dir, 'out')).includes('part-0-0.ndjson'));
    const first = (await readFile(join(dir, 'out', 'part-0-0.ndjson'), 'utf8')).trim().split('\n');
    expect(first.length).toBeGreaterThan(0);
    await until(() => metricsOf(job, 'out').recordsIn >= first.length + 200);
    await job.stop();
    // Records after the checkpoint's barrier were written to an in-progress part: a stop is not an
    // end of input, so they are discarded (a restore from chk-1 writes them again), never published.
    expect((await readParts(join(dir, 'out'))).length).toBe(first.length);
    expect(metricsOf(job, 'out').recordsIn).toBeGreaterThan(first.length);
    expect((await readdir(join(dir, 'out'))).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(chk.snapshotId).toBe('chk-1');
  });
});
