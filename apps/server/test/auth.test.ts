import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pino } from 'pino';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_NAMESPACE } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, boundedSpec, removeDir, startServer, tempDir } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let server: RiffleServer;
let jobId: string;
let pipelineId: string;
let logs = '';

beforeAll(async () => {
  dir = await tempDir();
  const sink = new Writable({ write: (chunk, _enc, cb) => ((logs += String(chunk)), cb()) });
  server = await startServer({ dataDir: join(dir, 'data'), auth: { token: TOKEN }, logger: pino({ level: 'debug' }, sink) });
  const r = await api(server, '/api/jobs', { json: boundedSpec(50), headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.status).toBe(201);
  jobId = r.body.id;
  const p = await api(server, '/api/pipelines', { json: { name: 'auth', spec: boundedSpec(5) }, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(p.status).toBe(201);
  pipelineId = p.body.id;
});
afterAll(async () => {
  await server.close();
  await removeDir(dir);
});

const concrete = (path: string) => (path.startsWith('/api/pipelines') ? path.replace(':id', pipelineId).replace(':v', '1') : path.replace(':id', jobId));
/** A body each mutating route accepts (PUT: based on the pipeline's current version). */
async function bodyFor(method: string, path: string): Promise<{ json?: unknown }> {
  const auth = { authorization: `Bearer ${TOKEN}` };
  if (method === 'PUT') return { json: { spec: boundedSpec(5), baseVersion: (await api(server, concrete('/api/pipelines/:id'), { headers: auth })).body.version } };
  if (method !== 'POST') return {};
  return { json: path === '/api/pipelines' ? { name: 'auth', spec: boundedSpec(5) } : boundedSpec(5) };
}
const attempts: Array<[string, Record<string, string>]> = [
  ['no token', {}],
  ['a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }],
  ['a token only in a cookie', { cookie: `token=${TOKEN}; riffle.token=${TOKEN}` }],
  ['the token without the Bearer scheme', { authorization: TOKEN }],
];

describe('access token (T23)', () => {
  it('covers every registered API route', async () => {
    const routes = server.routes().filter((r) => r.path.startsWith('/api'));
    // A new route must be added here on purpose: that is the point of this list.
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'GET /api/catalog',
        'GET /api/capabilities',
        'GET /api/health',
        'GET /api/jobs',
        'GET /api/jobs/:id',
        'GET /api/jobs/:id/plan',
        'GET /api/jobs/:id/checkpoints',
        'GET /api/jobs/:id/dead-letters',
        'GET /api/jobs/:id/failures',
        'POST /api/jobs',
        'POST /api/jobs/:id/stop',
        'POST /api/jobs/:id/checkpoints',
        'POST /api/jobs/:id/savepoints',
        'POST /api/jobs/:id/restore',
        'GET /api/pipelines',
        'POST /api/pipelines',
        'GET /api/pipelines/:id',
        'GET /api/pipelines/:id/versions',
        'GET /api/pipelines/:id/versions/:v',
        'PUT /api/pipelines/:id',
        'DELETE /api/pipelines/:id',
        'GET /api/kafka/topics',
        'GET /api/kafka/topics/:topic/preview',
      ].sort(),
    );
    // With the token these answer from the route itself: the job has finished (409), and a spec
    // is not a restore request (400). Anything but 401 proves the token let the request through.
    const answeredWithToken: Record<string, number> = {
      'POST /api/jobs/:id/checkpoints': 409,
      'POST /api/jobs/:id/savepoints': 409,
      'POST /api/jobs/:id/restore': 400,
      // No ?brokers= given: refused by the route itself (tested against a broker in kafka-api.test.ts).
      'GET /api/kafka/topics': 400,
      'GET /api/kafka/topics/:topic/preview': 400,
    };
    for (const route of routes.filter((r) => r.path !== '/api/health')) {
      for (const [what, headers] of attempts) {
        const r = await api(server, concrete(route.path), { method: route.method, headers, ...(await bodyFor(route.method, route.path)) });
        expect(r.status, `${route.method} ${route.path} with ${what}`).toBe(401);
        expect(r.body.error).toBe('unauthorized');
        expect(JSON.stringify(r.body)).not.toContain(jobId);
        expect(JSON.stringify(r.body)).not.toContain(pipelineId);
        expect(r.body.message).toMatch(/\?token=/);
      }
      const ok = await api(server, concrete(route.path), { method: route.method, headers: { authorization: `Bearer ${TOKEN}` }, ...(await bodyFor(route.method, route.path)) });
      const expected = answeredWithToken[`${route.method} ${route.path}`];
      if (expected === undefined) expect(ok.status, `${route.method} ${route.path} with the token`).toBeLessThan(300);
      else expect(ok.status, `${route.method} ${route.path} with the token`).toBe(expected);
      // The routes after DELETE still need a pipeline to act on.
      if (route.method === 'DELETE' && route.path.startsWith('/api/pipelines'))
        pipelineId = (await api(server, '/api/pipelines', { json: { name: 'auth', spec: boundedSpec(5) }, headers: { authorization: `Bearer ${TOKEN}` } })).body.id;
    }
    // About 130 requests: 1.6 s on a quiet machine, 30 s on a loaded shared one (vitest's default is 5 s).
  }, 60_000);

  it('keeps health and the web app reachable without a token, and unknown API paths closed', async () => {
    expect((await api(server, '/api/health')).status).toBe(200);
    expect((await api(server, '/')).status).toBe(200);
    expect((await api(server, '/api/nope')).status).toBe(401);
    expect((await api(server, '/api/nope', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('refuses socket connections without the right token, and serves them with it', async () => {
    for (const auth of [undefined, { token: 'wrong-token-0123456789abcdef' }, { token: '' }]) {
      const socket = connect(new URL(JOBS_NAMESPACE, server.url).href, { ...(auth ? { auth } : {}), reconnection: false, transports: ['websocket'] });
      const err = await new Promise<Error>((res, rej) => {
        socket.on('connect_error', res);
        socket.on('connect', () => rej(new Error(`connected with ${JSON.stringify(auth)}`)));
      });
      expect(err.message).toBe('unauthorized');
      socket.close();
    }
    const socket = connect(new URL(JOBS_NAMESPACE, server.url).href, { auth: { token: TOKEN }, reconnection: false, transports: ['websocket'] });
    const ack = await new Promise<{ ok: boolean }>((res, rej) => {
      socket.on('connect_error', rej);
      socket.on('connect', () => socket.emit('subscribe', { jobId }, res));
    });
    expect(ack.ok).toBe(true);
    socket.close();
  });

  it('never writes the token to the logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(TOKEN);
  });

  it('prints an open URL with the token', () => {
    expect(server.openUrl).toBe(`${server.url}?token=${TOKEN}`);
  });
});

describe('token storage', () => {
  it('generates a token on first start, keeps it in DATA_DIR with mode 0600, and reuses it', async () => {
    const dataDir = join(dir, 'gen');
    const a = await startServer({ dataDir, auth: {} });
    const token = a.token!;
    expect(token).toMatch(/^[a-f0-9]{48}$/);
    await a.close();
    const { stat, readFile } = await import('node:fs/promises');
    expect((await stat(join(dataDir, 'token'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dataDir, 'token'), 'utf8')).trim()).toBe(token);
    const b = await startServer({ dataDir, auth: {} });
    expect(b.token).toBe(token);
    expect((await api(b, '/api/jobs')).status).toBe(401);
    expect((await api(b, '/api/jobs', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await b.close();
  });

  it('refuses a weak RIFFLE_TOKEN', async () => {
    await expect(startServer({ dataDir: join(dir, 'weak'), auth: { token: 'short' } })).rejects.toThrow(/16 to 256/);
  });
});
