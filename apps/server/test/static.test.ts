import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir } from './helpers.js';

let dataDir: string;
let withWeb: RiffleServer;
let withoutWeb: RiffleServer;

beforeAll(async () => {
  dataDir = await tempDir();
  const webDir = join(dataDir, 'web');
  await mkdir(join(webDir, 'assets'), { recursive: true });
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>riffle-test-index</title>');
  await writeFile(join(webDir, 'assets', 'app.js'), 'console.log("riffle-test-asset")');
  withWeb = await startServer({ dataDir: join(dataDir, 'a'), webDir });
  withoutWeb = await startServer({ dataDir: join(dataDir, 'b'), webDir: join(dataDir, 'missing') });
});
afterAll(async () => {
  await withWeb?.close();
  await withoutWeb?.close();
  await removeDir(dataDir);
});

describe('web app', () => {
  it('serves index.html at / and for client-side routes', async () => {
    for (const path of ['/', '/jobs/abc', '/builder']) {
      const r = await api(withWeb, path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.body).toContain('riffle-test-index');
    }
  });

  it('serves assets, and 404s missing files and API routes instead of index.html', async () => {
    const js = await api(withWeb, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toContain('riffle-test-asset');
    expect((await api(withWeb, '/assets/missing.js')).status).toBe(404);
    const apiMiss = await api(withWeb, '/api/missing');
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.body.error).toBe('not_found');
  });

  it('explains how to build the web app when it is missing', async () => {
    const r = await api(withoutWeb, '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.body).toContain('npm run build');
  });
});
