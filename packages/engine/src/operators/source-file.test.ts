import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf, pipeline, runToEnd, tempDir } from '../../test/helpers.js';

function fileToPreview(path: string, extra: Record<string, unknown> = {}) {
  return pipeline([
    { id: 'src', kind: 'source.file', params: { path, ...extra } },
    { id: 'out', kind: 'sink.collect', params: { limit: 1000 } },
  ]);
}

describe('source.file', () => {
  it('dead-letters malformed lines and non-objects, skips blank lines, and continues', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.ndjson'), '{"a":1}\nnot json\n\n[1,2]\n42\n{"a":2}\n{"a":3'); // last line cut and unterminated
    const { job, result } = await runToEnd(fileToPreview('in.ndjson'), { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(job.preview('out')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(metricsOf(job, 'src')).toMatchObject({ recordsOut: 2, deadLettered: 4 });
    const letters = job.deadLetters();
    expect(letters.map((d) => d.record)).toEqual(['not json', '[1,2]', '42', '{"a":3']);
    expect(letters[0]!.error).toMatch(/in\.ndjson:2: not valid JSON/);
    expect(letters[1]!.error).toMatch(/in\.ndjson:4: not a JSON object/);
  });

  it('reads a folder in name order, skipping hidden files, and stamps event time from a field', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'b.ndjson'), '{"n":3,"t":30}\n');
    await writeFile(join(dir, 'in', 'a.ndjson'), '{"n":1,"t":10}\n{"n":2,"t":20}'); // no final newline
    await writeFile(join(dir, 'in', '.hidden.ndjson'), '{"n":99}\n');
    const { job } = await runToEnd(fileToPreview('in', { timestamp: 't' }), { baseDir: dir });
    expect(job.preview('out')).toEqual([{ n: 1, t: 10 }, { n: 2, t: 20 }, { n: 3, t: 30 }]);
    // Bounded: the final watermark (reported as MAX_SAFE_INTEGER) reached the sink.
    expect(metricsOf(job, 'out').watermark).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('dead-letters records whose timestamp is not a number', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.ndjson'), '{"t":5}\n{"t":"soon"}\n{}\n');
    const { job } = await runToEnd(fileToPreview('in.ndjson', { timestamp: 't' }), { baseDir: dir });
    expect(job.preview('out')).toEqual([{ t: 5 }]);
    expect(job.deadLetters().map((d) => d.error)).toEqual([
      'timestamp is "soon", expected epoch milliseconds',
      'timestamp is missing, expected epoch milliseconds',
    ]);
  });

  it('fails the job with the operator id when the input is missing', async () => {
    const dir = await tempDir();
    const { job, result } = await runToEnd(fileToPreview('nope.ndjson'), { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'file_not_found', domain: 'user', nodeId: 'src' });
    expect(job.status).toBe('failed');
  });
});
