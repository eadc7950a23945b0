import { request } from 'node:http';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_NAMESPACE } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, boundedSpec, removeDir, startServer, tempDir } from './helpers.js';

// T24 (Host, Origin, headers), T20's socket part, and T25's rate limit.

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with headers fetch would not let us set (Host). */
function raw(server: RiffleServer, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => res({ status: r.statusCode!, headers: r.headers, body }));
    });
    req.on('error', rej);
    req.end(opts.body);
  });
}

function socketOutcome(server: RiffleServer, extraHeaders: Record<string, string>): Promise<'connected' | 'refused'> {
  const socket = connect(new URL(JOBS_NAMESPACE, `http://127.0.0.1:${server.port}/`).href, { reconnection: false, transports: ['websocket'], extraHeaders, timeout: 5000 });
  return new Promise((res) => {
    socket.on('connect', () => (socket.close(), res('connected')));
    socket.on('connect_error', () => (socket.close(), res('refused')));
  });
}

let dir: string;
let server: RiffleServer;
let corsServer: RiffleServer;

beforeAll(async () => {
  dir = await tempDir();
  server = await startServer({ dataDir: join(dir, 'a'), webDir: join(dir, 'web'), rateLimit: { limit: 3, windowMs: 60_000 }, maxSocketMessageBytes: 100_000 });
  corsServer = await startServer({ dataDir: join(dir, 'b'), corsOrigins: ['https://app.example'], allowedHosts: ['riffle.example.com', 'proxy.internal:9000'] });
});
afterAll(async () => {
  await server.close();
  await corsServer.close();
  await removeDir(dir);
});

describe('Host header (DNS rebinding, T24)', () => {
  it('answers loopback names with our port and refuses any other name or port with 403', async () => {
    const p = server.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `LOCALHOST:${p}`]) {
      expect((await raw(server, '/api/health', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${p}`, `localhost:${p + 1}`, `127.0.0.1.evil.example:${p}`, `localhost.:${p}`, 'localhost@evil.example']) {
      for (const path of ['/api/health', '/', '/api/jobs']) {
        const r = await raw(server, path, { headers: { host } });
        expect(r.status, `${host} ${path}`).toBe(403);
        expect(JSON.parse(r.body).error).toBe('host_not_allowed');
      }
    }
  });

  it('answers ALLOWED_HOSTS names: a bare name on our port or none, a name:port exactly', async () => {
    const p = corsServer.port;
    expect((await raw(corsServer, '/api/health', { headers: { host: 'riffle.example.com' } })).status).toBe(200);
    expect((await raw(corsServer, '/api/health', { headers: { host: `riffle.example.com:${p}` } })).status).toBe(200);
    expect((await raw(corsServer, '/api/health', { headers: { host: 'proxy.internal:9000' } })).status).toBe(200);
    expect((await raw(corsServer, '/api/health', { headers: { host: 'proxy.internal' } })).status).toBe(403);
    expect((await raw(corsServer, '/api/health', { headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('refuses the socket handshake for a foreign Host', async () => {
    expect(await socketOutcome(server, { host: `localhost:${server.port}` })).toBe('connected');
    expect(await socketOutcome(server, { host: 'evil.example' })).toBe('refused');
  });

  it('refuses unknown ALLOWED_HOSTS / CORS_ORIGINS entries at start', async () => {
    await expect(startServer({ dataDir: join(dir, 'c'), allowedHosts: ['http://x/'] })).rejects.toThrow(/ALLOWED_HOSTS/);
    await expect(startServer({ dataDir: join(dir, 'c'), corsOrigins: ['app.example'] })).rejects.toThrow(/CORS_ORIGINS/);
  });
});

describe('Origin and CORS (T24)', () => {
  it('sends no CORS headers by default and refuses API calls from another site', async () => {
    const evil = { origin: 'https://evil.example' };
    const get = await api(server, '/api/jobs', { headers: evil });
    expect(get.status).toBe(403);
    expect(get.body.error).toBe('origin_not_allowed');
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await api(server, '/api/jobs', { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    // The built web app calls from its own origin.
    const same = await api(server, '/api/jobs', { headers: { origin: `http://127.0.0.1:${server.port}` } });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const ok = await api(corsServer, '/api/jobs', { headers: { origin: 'https://app.example' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('vary')).toMatch(/Origin/i);
    const pre = await api(corsServer, '/api/jobs', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    for (const origin of ['https://app.example.evil', 'http://app.example', 'null']) {
      const r = await api(corsServer, '/api/jobs', { headers: { origin } });
      expect(r.status, origin).toBe(403);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('refuses a socket handshake from a foreign Origin, allows same-origin and configured ones', async () => {
    expect(await socketOutcome(server, { origin: 'https://evil.example' })).toBe('refused');
    expect(await socketOutcome(server, { origin: `http://127.0.0.1:${server.port}` })).toBe('connected');
    expect(await socketOutcome(server, {})).toBe('connected');
    expect(await socketOutcome(corsServer, { origin: 'https://app.example' })).toBe('connected');
    expect(await socketOutcome(corsServer, { origin: 'https://evil.example' })).toBe('refused');
  });
});

describe('security headers (T24)', () => {
  it('sends CSP with frame-ancestors none, nosniff and deny-framing on the API and the web app', async () => {
    for (const path of ['/api/health', '/', '/api/nope']) {
      const r = await api(server, path);
      const csp = r.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
      expect(directives, path).toMatchObject({
        'default-src': "'self'",
        'script-src': "'self'",
        'connect-src': "'self'",
        'frame-ancestors': "'none'",
        'object-src': "'none'",
        'base-uri': "'self'",
      });
      expect(csp).not.toMatch(/unsafe-eval|upgrade-insecure-requests/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('rate limit on mutating routes (T25)', () => {
  it('answers 429 with Retry-After past the limit, for POST, PUT and DELETE only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(server, '/api/jobs', { json: { nope: i } });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([400, 400, 400]);
    const limited = await api(server, '/api/jobs', { json: boundedSpec(5) });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'rate_limited', retryable: true });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api(server, '/api/jobs/zzz-unknown/stop', { method: 'POST' })).status).toBe(429);
    expect((await api(server, '/api/pipelines/zzz-unknown', { method: 'PUT', json: { spec: {}, baseVersion: 1 } })).status).toBe(429);
    expect((await api(server, '/api/pipelines/zzz-unknown', { method: 'DELETE' })).status).toBe(429);
    expect((await api(server, '/api/pipelines')).status).toBe(200);
    expect((await api(server, '/api/jobs')).status).toBe(200);
    expect((await api(server, '/api/health')).status).toBe(200);
  });
});

describe('request body size (T20)', () => {
  /** A job spec whose JSON is exactly `bytes` long (padded in an unknown field, so schema-invalid). */
  function specOfSize(bytes: number): string {
    const head = JSON.stringify({ ...boundedSpec(5), padding: '' });
    return head.replace('"padding":""', `"padding":"${'x'.repeat(bytes - head.length)}"`);
  }

  it('answers 413 to a 1 MB + 1 byte job spec and reads exactly 1 MB', async () => {
    const limit = 1024 * 1024;
    const post = (body: string) => api(corsServer, '/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(specOfSize(limit + 1)).toHaveLength(limit + 1);
    const over = await post(specOfSize(limit + 1));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ error: 'payload_too_large', domain: 'user' });
    // At the limit the body is parsed and validated: the padding is the only problem.
    const at = await post(specOfSize(limit));
    expect(at.status).toBe(400);
    expect(at.body.errors).toHaveLength(1);
    expect(at.body.errors[0].message).toContain('padding');
    expect((await api(corsServer, '/api/health')).status).toBe(200);
  });
});

describe('socket message size (T20)', () => {
  it('disconnects a socket that sends a message above maxHttpBufferSize and keeps serving', async () => {
    const url = new URL(JOBS_NAMESPACE, server.url).href;
    const socket: Socket = connect(url, { reconnection: false, transports: ['websocket'] });
    await new Promise<void>((res, rej) => (socket.on('connect', res), socket.on('connect_error', rej)));
    const reason = await new Promise<string>((res) => {
      socket.on('disconnect', res);
      socket.emit('subscribe', { jobId: 'x'.repeat(200_000) });
    });
    expect(reason).toMatch(/transport (close|error)/);
    expect((await api(server, '/api/health')).status).toBe(200);
    const again = connect(url, { reconnection: false, transports: ['websocket'] });
    const ack = await new Promise<unknown>((res, rej) => {
      again.on('connect_error', rej);
      again.on('connect', () => again.emit('subscribe', { jobId: 'no-such-job' }, res));
    });
    expect(ack).toEqual({ ok: false, error: 'not_found' });
    again.close();
  });

  it('applies the default 1 MB limit: a bigger message disconnects only that socket', async () => {
    const url = new URL(JOBS_NAMESPACE, corsServer.url).href;
    const open = async () => {
      const socket: Socket = connect(url, { reconnection: false, transports: ['websocket'] });
      await new Promise<void>((res, rej) => (socket.on('connect', res), socket.on('connect_error', rej)));
      return socket;
    };
    const [bystander, sender] = [await open(), await open()];
    // Just under the limit: delivered and answered.
    const answered = await new Promise<unknown>((res) => sender.emit('subscribe', { jobId: 'y'.repeat(990_000) }, res));
    expect(answered).toMatchObject({ ok: false });
    const reason = await new Promise<string>((res) => {
      sender.on('disconnect', res);
      sender.emit('subscribe', { jobId: 'x'.repeat(1_000_001) });
    });
    expect(reason).toMatch(/transport (close|error)/);
    // The other socket and the server carry on.
    expect(bystander.connected).toBe(true);
    const ack = await new Promise<unknown>((res) => bystander.emit('subscribe', { jobId: 'no-such-job' }, res));
    expect(ack).toEqual({ ok: false, error: 'not_found' });
    bystander.close();
    expect((await api(corsServer, '/api/health')).status).toBe(200);
  });
});

describe('helmet header snapshot (T24)', () => {
  it('sends the same security headers on the web app and the API', async () => {
    const names = ['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'strict-transport-security', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection', 'x-powered-by'];
    const pick = (h: Headers) => Object.fromEntries(names.map((n) => [n, h.get(n)]));
    const web = pick((await api(server, '/')).headers);
    expect(pick((await api(server, '/api/health')).headers)).toEqual(web);
    expect(web).toMatchInlineSnapshot(`
      {
        "content-security-policy": "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "origin-agent-cluster": "?1",
        "referrer-policy": "no-referrer",
        "strict-transport-security": null,
        "x-content-type-options": "nosniff",
        "x-dns-prefetch-control": "off",
        "x-download-options": "noopen",
        "x-frame-options": "DENY",
        "x-permitted-cross-domain-policies": "none",
        "x-powered-by": null,
        "x-xss-protection": "0",
      }
    `);
  });
});
