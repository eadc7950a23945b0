import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiffleServer } from '../src/index.js';
import { api, boundedSpec, removeDir, startServer, tempDir } from './helpers.js';

let dir: string;
let dataDir: string;
let server: RiffleServer;

beforeAll(async () => {
  dir = await tempDir();
  dataDir = join(dir, 'data');
  server = await startServer({ dataDir, rateLimit: false });
});
afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

const put = (id: string, json: unknown) => api(server, `/api/pipelines/${id}`, { method: 'PUT', json });

describe('saved pipelines', () => {
  it('creates, lists, reads, saves new versions and keeps each one', async () => {
    const created = await api(server, '/api/pipelines', { json: { name: ' Orders ', spec: boundedSpec(10, 'orders') } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[a-z0-9-]+$/), version: 1, problems: [] });
    const id: string = created.body.id;
    expect(created.headers.get('location')).toBe(`/api/pipelines/${id}`);

    const latest = await api(server, `/api/pipelines/${id}`);
    expect(latest.body).toMatchObject({ id, name: 'Orders', version: 1, spec: boundedSpec(10, 'orders'), problems: [] });

    const v2 = await put(id, { spec: boundedSpec(20, 'orders'), baseVersion: 1 });
    expect(v2.status).toBe(200);
    expect(v2.body).toEqual({ id, version: 2, problems: [] });
    const v3 = await put(id, { spec: boundedSpec(30, 'orders'), name: 'Orders v3', baseVersion: 2 });
    expect(v3.body.version).toBe(3);

    const list = await api(server, '/api/pipelines');
    expect(list.body.pipelines).toContainEqual({ id, name: 'Orders v3', version: 3, updatedAt: expect.any(Number) });
    const versions = await api(server, `/api/pipelines/${id}/versions`);
    expect(versions.body.versions.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
      [1, 'Orders'],
      [2, 'Orders'],
      [3, 'Orders v3'],
    ]);
    const old = await api(server, `/api/pipelines/${id}/versions/2`);
    expect(old.body).toMatchObject({ version: 2, spec: { nodes: [{ params: { count: 20 } }, {}] } });
    expect((await api(server, `/api/pipelines/${id}`)).body).toMatchObject({ version: 3, name: 'Orders v3', spec: { nodes: [{ params: { count: 30 } }, {}] } });
    expect((await api(server, `/api/pipelines/${id}/versions/4`)).status).toBe(404);
    expect((await api(server, `/api/pipelines/${id}/versions/0`)).status).toBe(400);

    // One JSON file per version, no temp files left behind.
    expect((await readdir(join(dataDir, 'pipelines', id))).sort()).toEqual(['v1.json', 'v2.json', 'v3.json']);
  });

  it('answers a stale save with 409, the current version and a message saying what to do', async () => {
    const id: string = (await api(server, '/api/pipelines', { json: { name: 'shared', spec: boundedSpec(1) } })).body.id;
    expect((await put(id, { spec: boundedSpec(2), baseVersion: 1 })).status).toBe(200);
    const stale = await put(id, { spec: boundedSpec(3), baseVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'version_conflict', currentVersion: 2, domain: 'user', retryable: false });
    expect(stale.body.message).toMatch(/version 2.*load their version.*overwrite/);
    // Nothing was written by the refused save.
    expect((await api(server, `/api/pipelines/${id}`)).body).toMatchObject({ version: 2, spec: { nodes: [{ params: { count: 2 } }, {}] } });
    // Overwrite: save again based on the current version.
    expect((await put(id, { spec: boundedSpec(3), baseVersion: 2 })).body.version).toBe(3);
  });

  it('lets only one of two concurrent saves of the same version win', async () => {
    const id: string = (await api(server, '/api/pipelines', { json: { name: 'race', spec: boundedSpec(1) } })).body.id;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => put(id, { spec: boundedSpec(i + 2), baseVersion: 1 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await api(server, `/api/pipelines/${id}`)).body.version).toBe(2);
  });

  it('stores an invalid draft as it is and reports its problems', async () => {
    const draft = { specVersion: 1, name: 'wip', nodes: [{ id: 'f', kind: 'filter', params: { expr: 'price >' } }], edges: [], ui: { positions: { f: { x: 1, y: 2 } } } };
    const created = await api(server, '/api/pipelines', { json: { name: 'wip', spec: draft } });
    expect(created.status).toBe(201);
    expect(created.body.problems.length).toBeGreaterThan(0);
    expect(created.body.problems[0]).toMatchObject({ path: expect.stringMatching(/^\$/), message: expect.any(String) });
    const got = await api(server, `/api/pipelines/${created.body.id}`);
    expect(got.body.spec).toEqual(draft);
    expect(got.body.problems).toEqual(created.body.problems);
  });

  it('refuses bad input with a clear error and keeps what was saved', async () => {
    const id: string = (await api(server, '/api/pipelines', { json: { name: 'keep', spec: boundedSpec(1) } })).body.id;
    const bad: Array<[string, RequestInit & { json?: unknown }, number, string]> = [
      ['/api/pipelines', { json: { name: 'x', spec: [] } }, 400, 'bad_spec'],
      ['/api/pipelines', { json: { name: 'x', spec: 'text' } }, 400, 'bad_spec'],
      ['/api/pipelines', { json: { spec: {} } }, 400, 'bad_pipeline_name'],
      ['/api/pipelines', { json: { name: 'x'.repeat(201), spec: {} } }, 400, 'bad_pipeline_name'],
      ['/api/pipelines', { json: [1] }, 400, 'bad_request'],
      ['/api/pipelines', { json: { name: 'big', spec: { blob: 'x'.repeat(600 * 1024) } } }, 413, 'payload_too_large'],
      [`/api/pipelines/${id}`, { method: 'PUT', json: { spec: {} } }, 400, 'bad_base_version'],
      [`/api/pipelines/${id}`, { method: 'PUT', json: { spec: {}, baseVersion: '1' } }, 400, 'bad_base_version'],
      [`/api/pipelines/${id}`, { method: 'PUT', json: { spec: null, baseVersion: 1 } }, 400, 'bad_spec'],
      ['/api/pipelines/zzz-missing', { method: 'PUT', json: { spec: {}, baseVersion: 1 } }, 404, 'not_found'],
      ['/api/pipelines/zzz-missing', {}, 404, 'not_found'],
      ['/api/pipelines/zzz-missing/versions', {}, 404, 'not_found'],
      ['/api/pipelines/zzz-missing', { method: 'DELETE' }, 404, 'not_found'],
    ];
    for (const [path, init, status, code] of bad) {
      const r = await api(server, path, init);
      expect(r.status, `${init.method ?? (init.json ? 'POST' : 'GET')} ${path} ${JSON.stringify(init.json)?.slice(0, 60)}`).toBe(status);
      expect(r.body.error).toBe(code);
      expect(r.body.message.length).toBeGreaterThan(10);
    }
    expect((await api(server, `/api/pipelines/${id}`)).body).toMatchObject({ version: 1, name: 'keep' });
  });

  it('never lets an id reach outside DATA_DIR/pipelines', async () => {
    const sentinel = join(dir, 'sentinel.json');
    await writeFile(sentinel, '{"keep":true}');
    for (const id of ['..', '..%2F..%2Fsentinel', '%2e%2e', 'ABC', 'a', '..%00', '%2Fetc%2Fpasswd', 'x'.repeat(65)]) {
      for (const init of [{}, { method: 'DELETE' }, { method: 'PUT', json: { spec: {}, baseVersion: 1 } }] as const) {
        const r = await api(server, `/api/pipelines/${id}`, init);
        expect([400, 404], `${init.method ?? 'GET'} ${id}`).toContain(r.status);
      }
    }
    expect(await readFile(sentinel, 'utf8')).toBe('{"keep":true}');
  });

  it('deletes a pipeline with every version', async () => {
    const id: string = (await api(server, '/api/pipelines', { json: { name: 'gone', spec: {} } })).body.id;
    expect((await api(server, `/api/pipelines/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(server, `/api/pipelines/${id}`)).status).toBe(404);
    expect((await api(server, '/api/pipelines')).body.pipelines.map((p: { id: string }) => p.id)).not.toContain(id);
    expect(await readdir(join(dataDir, 'pipelines'))).not.toContain(id);
  });

  it('keeps pipelines and their versions across a server restart', async () => {
    const id: string = (await api(server, '/api/pipelines', { json: { name: 'durable', spec: boundedSpec(1) } })).body.id;
    await put(id, { spec: boundedSpec(2), baseVersion: 1 });
    const restarted = await startServer({ dataDir, rateLimit: false });
    try {
      expect((await api(restarted, `/api/pipelines/${id}`)).body).toMatchObject({ name: 'durable', version: 2 });
      expect((await api(restarted, '/api/pipelines')).body.pipelines).toContainEqual(expect.objectContaining({ id, version: 2 }));
    } finally {
      await restarted.close();
    }
  });
});
