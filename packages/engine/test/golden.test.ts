import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf, readParts, runToEnd, tempDir } from './helpers.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'tumbling-out-of-order');

async function goldenSpec(outDir: string, parallelism = 1) {
  const spec = JSON.parse(await readFile(join(GOLDEN, 'spec.json'), 'utf8'));
  spec.config.parallelism = parallelism;
  spec.nodes.find((n: { id: string }) => n.id === 'out').params.path = outDir;
  return spec;
}

async function expectedLines(): Promise<string[]> {
  return (await readFile(join(GOLDEN, 'expected.ndjson'), 'utf8')).split('\n').filter((l) => l !== '');
}

describe('golden: tumbling window over out-of-order NDJSON', () => {
  it('writes exactly the hand-computed windows, drops and counts the late records', async () => {
    const out = await tempDir();
    const { job, result } = await runToEnd(await goldenSpec(out), { baseDir: GOLDEN });
    expect(result).toEqual({ status: 'finished' });
    expect(await readParts(out)).toEqual(await expectedLines());
    // Finished output only: no in-progress file left behind.
    expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);
    const window = metricsOf(job, 'per10s');
    expect(window.recordsIn).toBe(15);
    expect(window.lateRecordsDropped).toBe(2);
    expect(window.recordsOut).toBe(8);
    expect(metricsOf(job, 'out').recordsIn).toBe(8);
    expect(metricsOf(job, 'events').recordsOut).toBe(15);
  });

  it('gives the same windows at parallelism 2 (hash exchange, watermark alignment across channels)', async () => {
    const out = await tempDir();
    const { job, result } = await runToEnd(await goldenSpec(out, 2), { baseDir: GOLDEN });
    expect(result.status).toBe('finished');
    expect((await readParts(out)).sort()).toEqual((await expectedLines()).sort());
    expect(metricsOf(job, 'per10s')).toMatchObject({ parallelism: 2, recordsIn: 15, lateRecordsDropped: 2, recordsOut: 8 });
  });
});
