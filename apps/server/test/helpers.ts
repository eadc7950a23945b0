import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createRiffleServer, type RiffleServer, type RiffleServerOptions } from '../src/index.js';

export const silent = pino({ level: 'silent' });

/** A temp folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'riffle-server-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A real server on a free port with a silent logger, in open mode unless `auth` says otherwise. */
export function startServer(opts: RiffleServerOptions & { dataDir: string }): Promise<RiffleServer> {
  return createRiffleServer({ port: 0, logger: silent, webDir: join(opts.dataDir, 'no-web'), auth: { open: true }, ...opts });
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(server: RiffleServer, path: string, init: RequestInit & { json?: unknown } = {}): Promise<ApiResult<T>> {
  const { json, ...rest } = init;
  const req: RequestInit = json === undefined ? rest : { method: 'POST', ...rest, headers: { 'content-type': 'application/json', ...rest.headers }, body: JSON.stringify(json) };
  const res = await fetch(new URL(path.replace(/^\//, ''), server.url), req);
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get('content-type')?.includes('application/json')) body = JSON.parse(text);
  return { status: res.status, body: body as T, headers: res.headers };
}

/** Polls `fn` until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Waits for a job to reach an end state and returns its details. */
export function jobEnded(server: RiffleServer, id: string, timeoutMs?: number): Promise<any> {
  return waitFor(async () => {
    const r = await api(server, `/api/jobs/${id}`);
    return ['finished', 'failed', 'stopped'].includes(r.body.status) ? r.body : undefined;
  }, `job ${id} to end`, timeoutMs);
}

/** A bounded job: `count` generated records into a collect sink. */
export function boundedSpec(count = 200, name = 'bounded-test') {
  return {
    specVersion: 1,
    name,
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { count, ratePerSec: 100_000 } },
      { id: 'preview', kind: 'sink.collect', params: { limit: 20 } },
    ],
    edges: [{ from: 'gen', to: 'preview' }],
  };
}

/** An unbounded job (no `count`), slow enough to keep running until stopped. */
export function unboundedSpec(name = 'unbounded-test', ratePerSec = 200) {
  return {
    specVersion: 1,
    name,
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec } },
      { id: 'purchases', kind: 'filter', params: { expr: "event_type != 'nothing'" } },
      { id: 'preview', kind: 'sink.collect', params: { limit: 10 } },
    ],
    edges: [
      { from: 'gen', to: 'purchases' },
      { from: 'purchases', to: 'preview' },
    ],
  };
}

/**
 * A real server shared by one test file: started in `beforeAll` with a fresh data folder (also
 * its `baseDir`), closed and removed in `afterAll`. Read `server` and `dataDir` inside tests.
 * @example
 * const ctx = serverPerFile({ rateLimit: false });
 * it('…', async () => { await api(ctx.server, '/api/jobs'); });
 */
export function serverPerFile(opts: Omit<RiffleServerOptions, 'dataDir'> = {}): { server: RiffleServer; dataDir: string } {
  const ctx = {} as { server: RiffleServer; dataDir: string };
  beforeAll(async () => {
    ctx.dataDir = await tempDir();
    ctx.server = await startServer({ baseDir: ctx.dataDir, ...opts, dataDir: ctx.dataDir });
  });
  afterAll(async () => {
    await ctx.server?.close();
    if (ctx.dataDir) await removeDir(ctx.dataDir);
  });
  return ctx;
}
