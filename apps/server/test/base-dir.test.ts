import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiffleServer } from '../src/index.js';
import { api, jobEnded, removeDir, startServer, tempDir } from './helpers.js';

let dir: string;
let server: RiffleServer;

beforeAll(async () => {
  dir = await tempDir();
  await mkdir(join(dir, 'base', 'in'), { recursive: true });
  const lines = [1, 2, 3].map((n) => JSON.stringify({ n, ts: n * 1000 })).join('\n') + '\n';
  await writeFile(join(dir, 'base', 'in', 'numbers.ndjson'), lines);
  await writeFile(join(dir, 'base', 'in', 'mixed.ndjson'), '{"n":1}\n{"n":"oops"}\n{"n":3}\n');
  server = await startServer({ dataDir: join(dir, 'data'), baseDir: join(dir, 'base') });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

interface TestSpec {
  specVersion: 1;
  name: string;
  nodes: Array<{ id: string; kind: string; params: Record<string, unknown> }>;
  edges: Array<{ from: string; to: string }>;
}

const fileSpec = (path: string): TestSpec => ({
  specVersion: 1,
  name: 'from-file',
  nodes: [
    { id: 'src', kind: 'source.file', params: { path } },
    { id: 'preview', kind: 'sink.collect', params: {} },
  ],
  edges: [{ from: 'src', to: 'preview' }],
});

const finalState = (id: string) => jobEnded(server, id);

describe('relative paths in specs', () => {
  it('resolve against the configured base dir', async () => {
    const post = await api(server, '/api/jobs', { json: fileSpec('in/numbers.ndjson') });
    expect(post.status).toBe(201);
    const job = await finalState(post.body.id);
    expect(job.status).toBe('finished');
    expect(job.previews.preview).toEqual([{ n: 1, ts: 1000 }, { n: 2, ts: 2000 }, { n: 3, ts: 3000 }]);
  });

  it('a missing input file fails the job with a user error naming the node', async () => {
    const post = await api(server, '/api/jobs', { json: fileSpec('in/missing.ndjson') });
    expect(post.status).toBe(201);
    const job = await finalState(post.body.id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ domain: 'user', nodeId: 'src' });
    const list = await api(server, '/api/jobs');
    expect(list.body.jobs.find((j: { id: string }) => j.id === post.body.id)).toMatchObject({ status: 'failed', error: { nodeId: 'src' } });
  });
});

describe('dead letters', () => {
  it('are listed on the job with the node, the record and the reason', async () => {
    const spec = fileSpec('in/mixed.ndjson');
    spec.nodes.splice(1, 0, { id: 'double', kind: 'map', params: { fields: [{ as: 'm', expr: 'n * 2' }] } });
    spec.edges = [
      { from: 'src', to: 'double' },
      { from: 'double', to: 'preview' },
    ];
    const post = await api(server, '/api/jobs', { json: spec });
    expect(post.status).toBe(201);
    const job = await finalState(post.body.id);
    expect(job.status).toBe('finished');
    expect(job.previews.preview).toEqual([{ m: 2 }, { m: 6 }]);
    expect(job.deadLetters).toHaveLength(1);
    expect(job.deadLetters[0]).toMatchObject({ nodeId: 'double', record: { n: 'oops' } });
    expect(job.deadLetters[0].error).toEqual(expect.any(String));
    expect(job.metrics.deadLetters).toBe(1);
    const entry = (await api(server, '/api/jobs')).body.jobs.find((j: { id: string }) => j.id === post.body.id);
    expect(entry.metrics.deadLetters).toBe(1);
  });
});
