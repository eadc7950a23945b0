import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiffleServer } from '../src/index.js';
import { api, jobEnded, removeDir, startServer, tempDir } from './helpers.js';

// T18 through the API: a node's onError policy decides what a record its expression fails on does.

let dir: string;
let server: RiffleServer;

beforeAll(async () => {
  dir = await tempDir();
  await mkdir(join(dir, 'base'), { recursive: true });
  const rows = [{ n: 4, d: 2 }, { n: 1, d: 0 }, { n: 9, d: 3 }, { n: 5 }];
  await writeFile(join(dir, 'base', 'rows.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  server = await startServer({ dataDir: join(dir, 'data'), baseDir: join(dir, 'base'), rateLimit: false });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

function spec(onError: string) {
  return {
    specVersion: 1,
    name: `policy-${onError}`,
    config: { restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 0 } },
    nodes: [
      { id: 'src', kind: 'source.file', params: { path: 'rows.ndjson' } },
      { id: 'div', kind: 'map', params: { fields: [{ as: 'q', expr: 'int(n) / int(d)' }], onError } },
      { id: 'preview', kind: 'sink.collect', params: {} },
    ],
    edges: [
      { from: 'src', to: 'div' },
      { from: 'div', to: 'preview' },
    ],
  };
}

const divMetrics = (job: { metrics: { operators: Array<{ nodeId: string }> } }) => job.metrics.operators.find((o) => o.nodeId === 'div');

describe('onError policy (T18)', () => {
  it('is in the catalog: an enum dlq | skip | fail defaulting to dlq on every node with an expression', async () => {
    const { operators } = (await api(server, '/api/catalog')).body as { operators: Array<{ kind: string; paramsSchema: { properties: Record<string, unknown>; required?: string[] } }> };
    const kinds = ['filter', 'map', 'keyBy', 'window.tumbling', 'window.sliding', 'window.session', 'window.global', 'reduce', 'over', 'sink.kafka'];
    for (const kind of [...kinds, 'source.datagen', 'source.file', 'source.nexmark', 'source.kafka']) {
      const schema = operators.find((d) => d.kind === kind)!.paramsSchema;
      expect(schema.properties.onError, kind).toMatchObject({ enum: ['dlq', 'skip', 'fail'], default: 'dlq' });
      expect(schema.required ?? []).not.toContain('onError');
    }
  });

  it('dlq and skip keep the job running; skip counts instead of dead-lettering', async () => {
    const dlq = await jobEnded(server, (await api(server, '/api/jobs', { json: spec('dlq') })).body.id);
    expect(dlq.status).toBe('finished');
    expect(dlq.previews.preview).toEqual([{ q: 2 }, { q: 3 }]);
    expect(dlq.deadLetters.map((d: { record: unknown }) => d.record)).toEqual([{ n: 1, d: 0 }, { n: 5 }]);

    const skip = await jobEnded(server, (await api(server, '/api/jobs', { json: spec('skip') })).body.id);
    expect(skip.status).toBe('finished');
    expect(skip.previews.preview).toEqual([{ q: 2 }, { q: 3 }]);
    expect(skip.deadLetters).toEqual([]);
    expect(skip.metrics.deadLetters).toBe(0);
    expect(divMetrics(skip)).toMatchObject({ deadLettered: 0, skippedRecords: 2 });
  });

  it('fail ends FAILED after the restart attempts, naming expression, node and record', async () => {
    const post = await api(server, '/api/jobs', { json: spec('fail') });
    expect(post.status).toBe(201);
    const job = await jobEnded(server, post.body.id, 60_000);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'expression_failed', domain: 'user', nodeId: 'div' });
    expect(job.error.message).toContain('int(n) / int(d)');
    // The map is chained to the file source: the record is named by its file and line.
    expect(job.error.message).toMatch(/node "div" failed on line 2 of \S*rows\.ndjson: /);
    // The strategy's two attempts were made, and were the last.
    expect(job.lastRestart).toMatchObject({ reason: 'failure', attempt: 2 });
  });

  it('refuses an unknown policy with a 400 at its path', async () => {
    const r = await api(server, '/api/jobs', { json: spec('ignore') });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('$.nodes[1].params.onError');
  });
});
