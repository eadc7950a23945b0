import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpec, EXPRESSION_LIMITS } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';

// T21 and T22 through the API: hostile expressions are 400s at the expression's path; expensive
// records go to the dead-letter output while the others flow and the server keeps answering.
let dir: string;
let server: RiffleServer;
const envBefore = JSON.stringify(process.env);

beforeAll(async () => {
  dir = await tempDir();
  await mkdir(join(dir, 'base'), { recursive: true });
  const big = 'a'.repeat(EXPRESSION_LIMITS.maxInputStringLength + 10);
  const lines = [{ s: 'ok-1', l: [] }, { s: big, l: [] }, { s: `${'a'.repeat(100_000)}b`, l: [] }, { s: 'list', l: Array.from({ length: 10_000 }, (_, i) => i) }, { s: 'ok-2', l: [1] }];
  await writeFile(join(dir, 'base', 'in.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  server = await startServer({ dataDir: join(dir, 'data'), baseDir: join(dir, 'base') });
});
afterAll(async () => {
  await server.close();
  await removeDir(dir);
});

describe('hostile expressions through the API (T21)', () => {
  it('answers each with 400 at $.nodes[1].params.expr', async () => {
    const corpus = [
      "this.constructor.constructor('return process')()",
      '__proto__',
      'constructor',
      'globalThis',
      'process.env',
      "require('fs')",
      "import('fs')",
      '\\u0063onstructor',
      'r["con"+"structor"]',
      '{}.constructor',
      '[].constructor',
      '"".constructor',
      `${'('.repeat(10_000)}true${')'.repeat(10_000)}`,
      `true${' && true'.repeat(110_000)}`,
      "event_type.matches('(a)\\\\1')",
      'cel.bind(x, event_type, x + x) != ""',
    ];
    for (const expr of corpus) {
      const spec = demoSpec();
      (spec.nodes[1]!.params as { expr: string }).expr = expr;
      const r = await api(server, '/api/jobs', { json: spec });
      expect(r.status, expr.slice(0, 60)).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path), expr.slice(0, 60)).toContain('$.nodes[1].params.expr');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(process.env)).toBe(envBefore);
    expect((await api(server, '/api/health')).status).toBe(200);
  });
});

describe('expensive records (T22)', () => {
  it('dead-letters the records over the budget and passes the rest', async () => {
    const spec = {
      specVersion: 1,
      name: 'budget',
      nodes: [
        { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
        { id: 'keep', kind: 'filter', params: { expr: "s.matches('(a+)+$') || s.startsWith('ok') || l.map(x, l.map(y, x + y)).size() > 5" } },
        { id: 'preview', kind: 'sink.collect', params: {} },
      ],
      edges: [
        { from: 'src', to: 'keep' },
        { from: 'keep', to: 'preview' },
      ],
    };
    const post = await api(server, '/api/jobs', { json: spec });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const job = await waitFor(async () => {
      const r = await api(server, `/api/jobs/${post.body.id}`);
      return ['finished', 'failed'].includes(r.body.status) ? r.body : undefined;
    }, 'the job to end', 30_000);
    expect(job.status).toBe('finished');
    expect(job.previews.preview.map((r: { s: string }) => r.s)).toEqual(['ok-1', 'ok-2']);
    const reasons = job.deadLetters.map((d: { error: string }) => d.error).join('\n');
    expect(job.deadLetters).toHaveLength(2);
    expect(reasons).toMatch(/longer than/);
    expect(reasons).toMatch(/iterates more than/);
  }, 40_000);
});
