import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeline, runToEnd, tempDir } from './helpers.js';

/**
 * T19 of TEST-PLAN.md: keys and fields named like Object.prototype members, or huge, are plain
 * data. They must count as distinct keys through keyed state, worker-thread exchanges (msgpackr)
 * and window output, and never pollute the host's prototypes (CWE-1321).
 */
const HOSTILE = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype', 'a'.repeat(1 << 20)];

function input(): { lines: string[]; expected: Map<string, number> } {
  const lines: string[] = [];
  const expected = new Map<string, number>();
  let ts = Date.UTC(2026, 0, 1);
  for (let round = 0; round < 5; round++) {
    HOSTILE.forEach((k, i) => {
      for (let j = 0; j <= i; j++) {
        // A field literally named __proto__ holding an object: JSON.parse makes it an own property;
        // any Object.assign-style copy of the record would turn it into a prototype change.
        lines.push(`{"k":${JSON.stringify(k)},"ts":${ts++},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`);
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
    });
  }
  return { lines, expected };
}

function spec(path: string, parallelism: number) {
  return pipeline(
    [
      { id: 'src', kind: 'source.file', params: { path, timestamp: 'ts' } },
      { id: 'by', kind: 'keyBy', params: { key: 'k' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1d', aggregate: [{ fn: 'count', as: 'n' }] }, parallelism },
      { id: 'out', kind: 'sink.collect', params: { limit: 100 } },
    ],
    { parallelism },
  );
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).filter((n) => n === 'polluted')).toEqual([]);
});

describe('hostile keys and field names (T19)', () => {
  for (const parallelism of [1, 2]) {
    it(`count distinct keys named like prototype members or 1 MB long, without polluting Object.prototype (p=${parallelism})`, async () => {
      const dir = await tempDir();
      const { lines, expected } = input();
      await writeFile(join(dir, 'in.ndjson'), lines.join('\n') + '\n');
      const { job, result } = await runToEnd(spec('in.ndjson', parallelism), { baseDir: dir });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('finished');
      const rows = job.preview('out') as Array<Record<string, unknown>>;
      const got = new Map<string, number>();
      for (const r of rows) {
        expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
        got.set(r.key as string, r.n as number);
      }
      expect(got.size).toBe(HOSTILE.length);
      for (const [k, n] of expected) expect(got.get(k), `count of ${k.slice(0, 20)}`).toBe(n);
    });
  }

  it('a map with keepInput copies a field named __proto__ as a field, not as the prototype of its output', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.ndjson'), '{"a":1,"__proto__":{"polluted":true}}\n');
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'b', expr: '2' }], keepInput: true } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10 } },
    ]);
    const { job, result } = await runToEnd(spec, { baseDir: dir });
    expect(result.status).toBe('finished');
    const [row] = job.preview('out') as Array<Record<string, unknown>>;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row!.polluted).toBeUndefined();
    expect(Object.keys(row!).sort()).toEqual(['__proto__', 'a', 'b']);
  });
});
