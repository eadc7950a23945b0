import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterList, FailureList } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, jobEnded, removeDir, startServer, tempDir } from './helpers.js';

let dir: string;
let server: RiffleServer;

beforeAll(async () => {
  dir = await tempDir();
  await mkdir(join(dir, 'base'), { recursive: true });
  await writeFile(join(dir, 'base', 'mixed.ndjson'), '{"n":1}\n{"n":"a"}\n{"n":3}\n{"n":"b"}\n');
  server = await startServer({ dataDir: join(dir, 'data'), baseDir: join(dir, 'base') });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

const spec = (path: string, withMap = false) => ({
  specVersion: 1,
  name: 'errors',
  nodes: [
    { id: 'src', kind: 'source.file', params: { path } },
    ...(withMap ? [{ id: 'double', kind: 'map', params: { fields: [{ as: 'm', expr: 'n * 2' }] } }] : []),
    { id: 'preview', kind: 'sink.collect', params: {} },
  ],
  edges: withMap
    ? [
        { from: 'src', to: 'double' },
        { from: 'double', to: 'preview' },
      ]
    : [{ from: 'src', to: 'preview' }],
});

const ended = (id: string) => jobEnded(server, id);

describe('GET /api/jobs/:id/dead-letters', () => {
  it('lists the dead letters newest first with the total count', async () => {
    const post = await api(server, '/api/jobs', { json: spec('mixed.ndjson', true) });
    expect(post.status).toBe(201);
    await ended(post.body.id);
    const r = await api<DeadLetterList>(server, `/api/jobs/${post.body.id}/dead-letters`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.deadLetters.map((d) => d.record)).toEqual([{ n: 'b' }, { n: 'a' }]);
    expect(r.body.deadLetters[0]).toMatchObject({ nodeId: 'double', error: expect.any(String) });
  });

  it('answers 404 for an unknown job', async () => {
    expect((await api(server, '/api/jobs/no-such-job/dead-letters')).status).toBe(404);
  });
});

describe('GET /api/jobs/:id/failures', () => {
  it('remembers the error that failed a job, with its node and status', async () => {
    const post = await api(server, '/api/jobs', { json: spec('missing.ndjson') });
    expect(post.status).toBe(201);
    await ended(post.body.id);
    const r = await api<FailureList>(server, `/api/jobs/${post.body.id}/failures`);
    expect(r.status).toBe(200);
    expect(r.body.failures).toHaveLength(1);
    expect(r.body.failures[0]).toMatchObject({ status: 'failed', error: { nodeId: 'src', domain: 'user' } });
    expect(r.body.failures[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
  });

  it('is empty for a job that never failed', async () => {
    const post = await api(server, '/api/jobs', { json: spec('mixed.ndjson') });
    await ended(post.body.id);
    expect((await api<FailureList>(server, `/api/jobs/${post.body.id}/failures`)).body).toEqual({ failures: [] });
  });
});
