import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, boundedSpec, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';

let dataDir: string;
let server: RiffleServer;

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dataDir);
});

describe('REST API', () => {
  it('answers health with the package version', async () => {
    const r = await api(server, '/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, version: '0.1.0' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('lists every catalog operator with its params JSON Schema', async () => {
    const r = await api(server, '/api/catalog');
    expect(r.status).toBe(200);
    expect(r.body.operators.map((o: { kind: string }) => o.kind)).toEqual(CATALOG.map((d) => d.kind));
    const collect = r.body.operators.find((o: { kind: string }) => o.kind === 'sink.collect');
    expect(collect).toMatchObject({ label: 'Preview', category: 'sink', inputs: [{ name: 'in' }], outputs: [], defaults: { limit: 100 } });
    expect(collect.paramsSchema).toMatchObject({ type: 'object', properties: { limit: { type: 'integer' } } });
  });

  it('runs a bounded job to finished, with metrics and a preview', async () => {
    const post = await api(server, '/api/jobs', { json: boundedSpec(200) });
    expect(post.status).toBe(201);
    const id: string = post.body.id;
    expect(id).toMatch(/^[a-z0-9-]+$/);
    expect(post.headers.get('location')).toBe(`/api/jobs/${id}`);

    const first = await api(server, `/api/jobs/${id}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, name: 'bounded-test', spec: { name: 'bounded-test', nodes: [{ id: 'gen' }, { id: 'preview' }] } });
    expect(typeof first.body.createdAt).toBe('number');

    const done = await waitFor(async () => {
      const r = await api(server, `/api/jobs/${id}`);
      return r.body.status === 'finished' ? r.body : undefined;
    }, 'the bounded job to finish');
    expect(done.endedAt).toBeGreaterThanOrEqual(done.startedAt);
    expect(done.error).toBeUndefined();
    const gen = done.metrics.operators.find((o: { nodeId: string }) => o.nodeId === 'gen');
    const sink = done.metrics.operators.find((o: { nodeId: string }) => o.nodeId === 'preview');
    expect(gen.recordsOut).toBe(200);
    expect(sink.recordsIn).toBe(200);
    expect(done.previews.preview).toHaveLength(20);
    expect(done.previews.preview[0]).toHaveProperty('product_id');
    expect(done.deadLetters).toEqual([]);

    const list = await api(server, '/api/jobs');
    const entry = list.body.jobs.find((j: { id: string }) => j.id === id);
    expect(entry).toMatchObject({ id, name: 'bounded-test', status: 'finished', metrics: { recordsIn: 200, recordsOut: 200, deadLetters: 0 } });
    expect(entry).not.toHaveProperty('spec');
  });

  it('serves the physical plan of a job: chains and each edge with its distribution', async () => {
    const spec = {
      ...boundedSpec(100, 'planned'),
      config: { parallelism: 2 },
      nodes: [
        { id: 'gen', kind: 'source.datagen', params: { count: 100, ratePerSec: 100_000 } },
        { id: 'f', kind: 'filter', params: { expr: "event_type == 'purchase'" } },
        { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
        { id: 'w', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
        { id: 'preview', kind: 'sink.collect', parallelism: 1, params: { limit: 5 } },
      ],
      edges: [
        { from: 'gen', to: 'f' },
        { from: 'f', to: 'k' },
        { from: 'k', to: 'w' },
        { from: 'w', to: 'preview' },
      ],
    };
    const { body } = await api(server, '/api/jobs', { json: spec });
    const plan = await api(server, `/api/jobs/${body.id}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body.edges).toEqual([
      { from: 'gen', to: 'f', partitioning: 'forward', chained: true },
      { from: 'f', to: 'k', partitioning: 'forward', chained: true },
      { from: 'k', to: 'w', partitioning: 'hash', chained: false, projection: [] },
      { from: 'w', to: 'preview', partitioning: 'rebalance', chained: false },
    ]);
    expect(plan.body.nodes.find((n: { id: string }) => n.id === 'preview').parallelism).toBe(1);
    expect(plan.body.tasks.map((t: { nodes: string[] }) => t.nodes)).toEqual([['gen', 'f', 'k'], ['w'], ['preview']]);
    await api(server, `/api/jobs/${body.id}/stop`, { method: 'POST' });
    // Starting worker threads alone took ~5 s on a loaded 2-core machine.
  }, 30_000);

  it('accepts the spec wrapped as { spec }', async () => {
    const post = await api(server, '/api/jobs', { json: { spec: boundedSpec(10, 'wrapped') } });
    expect(post.status).toBe(201);
    const got = await api(server, `/api/jobs/${post.body.id}`);
    expect(got.body.name).toBe('wrapped');
  });

  it('rejects an invalid spec with JSON paths', async () => {
    const spec = {
      specVersion: 1,
      name: 'bad',
      nodes: [
        { id: 'gen', kind: 'source.datagen', params: { count: 10 } },
        { id: 'mystery', kind: 'no.such.kind', params: {} },
        { id: 'purchases', kind: 'filter', params: { expr: 'event_type == ' } },
        { id: 'out', kind: 'sink.collect', params: {} },
      ],
      edges: [
        { from: 'gen', to: 'mystery' },
        { from: 'mystery', to: 'purchases' },
        { from: 'purchases', to: 'out' },
      ],
    };
    const before = (await api(server, '/api/jobs')).body.jobs.length;
    const r = await api(server, '/api/jobs', { json: spec });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_spec', domain: 'user', retryable: false });
    expect(r.body.message).toMatch(/2 problems/);
    expect(r.body.errors.map((e: { path: string; code: string; nodeId?: string }) => [e.path, e.code, e.nodeId])).toEqual([
      ['$.nodes[1].kind', 'unknown_kind', 'mystery'],
      ['$.nodes[2].params.expr', 'bad_expression', 'purchases'],
    ]);
    expect((await api(server, '/api/jobs')).body.jobs.length).toBe(before);
  });

  it('reports schema errors at their path', async () => {
    const { name: _name, ...noName } = boundedSpec();
    const r = await api(server, '/api/jobs', { json: noName });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['$.name']);
  });

  it('answers 400 to malformed JSON, 415 to non-JSON and 413 to a body over 1 MB', async () => {
    const bad = await api(server, '/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"specVersion": 1,' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'malformed_json', domain: 'user' });

    const text = await api(server, '/api/jobs', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    expect(text.body.error).toBe('unsupported_media_type');

    const big = await api(server, '/api/jobs', { json: { ...boundedSpec(), description: 'x'.repeat(1_100_000) } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers 404 JSON for unknown jobs and API routes', async () => {
    const r = await api(server, '/api/jobs/zz-no-such-job');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', domain: 'user' });
    expect((await api(server, '/api/jobs/zz-no-such-job/stop', { method: 'POST' })).status).toBe(404);
    const route = await api(server, '/api/nothing/here');
    expect(route.status).toBe(404);
    expect(route.body.error).toBe('not_found');
  });

  it('refuses ids that could leave DATA_DIR and touches no files', async () => {
    // A record outside jobs/ that a traversal would reach.
    await mkdir(join(dataDir, 'outside'), { recursive: true });
    await writeFile(join(dataDir, 'outside', 'job.json'), JSON.stringify({ secret: 'sentinel' }));
    const jobsBefore = await readdir(join(dataDir, 'jobs'));
    for (const id of ['..%2Foutside', '%2e%2e%2f%2e%2e%2foutside', '..%5C..%5Coutside', 'ABC', '.hidden']) {
      for (const path of [`/api/jobs/${id}`, `/api/jobs/${id}/stop`]) {
        const r = await api(server, path, path.endsWith('stop') ? { method: 'POST' } : {});
        expect([400, 404], `${path} → ${r.status}`).toContain(r.status);
        expect(JSON.stringify(r.body)).not.toContain('sentinel');
      }
    }
    const r = await api(server, '/api/jobs/..%2Foutside');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad_job_id');
    expect(await readdir(join(dataDir, 'jobs'))).toEqual(jobsBefore);
  });

  it('stops a running unbounded job', async () => {
    const post = await api(server, '/api/jobs', { json: unboundedSpec() });
    expect(post.status).toBe(201);
    const id = post.body.id;
    await waitFor(async () => (await api(server, `/api/jobs/${id}`)).body.status === 'running', 'the job to run');
    const stop = await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ id, status: 'stopped' });
    expect(stop.body.endedAt).toBeGreaterThan(0);
    expect((await api(server, `/api/jobs/${id}`)).body.status).toBe('stopped');
    // Stopping again is harmless.
    const again = await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('stopped');
  });
});
