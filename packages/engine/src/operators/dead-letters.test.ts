import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf, pipeline, readParts, runToEnd, tempDir } from '../../test/helpers.js';

describe('dead letters', () => {
  it('sends records whose expression fails to dead letters, counts them, and keeps going', async () => {
    const dir = await tempDir();
    const rows = [
      { id: 1, a: 10, b: 2 },
      { id: 2, a: 1, b: 0 }, // division by zero
      { id: 3, a: 9, b: 3 },
      { id: 4, a: 5 }, // no b
      { id: 5, a: 8, b: 4 },
    ];
    await writeFile(join(dir, 'in.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
      { id: 'ratio', kind: 'map', params: { fields: [{ as: 'id', expr: 'id' }, { as: 'q', expr: 'int(a) / int(b)' }] } },
      { id: 'big', kind: 'filter', params: { expr: 'q > 2' } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const { job, result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('finished');
    expect((await readParts(join(dir, 'out'))).map((l) => JSON.parse(l))).toEqual([
      { id: 1, q: 5 },
      { id: 3, q: 3 },
    ]);
    expect(metricsOf(job, 'ratio')).toMatchObject({ recordsIn: 5, recordsOut: 3, deadLettered: 2 });
    expect(metricsOf(job, 'big')).toMatchObject({ recordsIn: 3, recordsOut: 2, deadLettered: 0 });
    expect(job.metrics().deadLetters).toBe(2);
    const letters = job.deadLetters();
    expect(letters.map((d) => [d.nodeId, (d.record as { id: number }).id])).toEqual([
      ['ratio', 2],
      ['ratio', 4],
    ]);
    expect(letters[0]!.error).toMatch(/division by zero/);
    expect(letters[1]!.error).toMatch(/b/);
  });
});
