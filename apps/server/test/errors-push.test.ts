import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine } from '@riffle/engine';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_NAMESPACE, type ClientToServerEvents, type DeadLettersEvent, type FailureEvent, type FailureList, type ServerToClientEvents, type SubscribeAck } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { countingSpec } from './checkpoint-helpers.js';
import { api, jobEnded, removeDir, startServer, tempDir, waitFor } from './helpers.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let dir: string;
const servers: RiffleServer[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  dir = await tempDir();
  await mkdir(join(dir, 'base'), { recursive: true });
  // Every other line has a string where the map needs a number: those go to the dead letters.
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ n: i % 2 === 0 ? i : `bad-${i}` }));
  await writeFile(join(dir, 'base', 'mixed.ndjson'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  await removeDir(dir);
});

async function subscribed(server: RiffleServer, jobId: string): Promise<Client> {
  const c: Client = io(new URL(JOBS_NAMESPACE, server.url).href, { transports: ['websocket'], reconnection: false });
  clients.push(c);
  const ack = await new Promise<SubscribeAck>((res) => c.on('connect', () => c.emit('subscribe', { jobId }, res)));
  expect(ack.ok).toBe(true);
  return c;
}

describe('errors and dead letters pushed over the socket', () => {
  it('sends job:dead-letters with the new bad records, newest first, and the total', async () => {
    const server = await startServer({ dataDir: join(dir, 'data-dl'), baseDir: join(dir, 'base'), sampleIntervalMs: 200 });
    servers.push(server);
    // Slow enough (5 records/s, 6 s in all) that the client subscribes before most bad records arrive.
    const spec = {
      specVersion: 1,
      name: 'bad-records',
      nodes: [
        { id: 'src', kind: 'source.file', params: { path: 'mixed.ndjson', ratePerSec: 5 } },
        { id: 'double', kind: 'map', params: { fields: [{ as: 'm', expr: 'n * 2' }] } },
        { id: 'preview', kind: 'sink.collect', params: {} },
      ],
      edges: [
        { from: 'src', to: 'double' },
        { from: 'double', to: 'preview' },
      ],
    };
    const post = await api(server, '/api/jobs', { json: spec });
    expect(post.status).toBe(201);
    const c = await subscribed(server, post.body.id);
    const pushes: DeadLettersEvent[] = [];
    c.on('job:dead-letters', (d) => pushes.push(d));
    await jobEnded(server, post.body.id, 30_000);
    await waitFor(() => pushes.at(-1)?.total === 15, 'a push with all 15 dead letters counted', 10_000);
    const pushed = pushes.flatMap((p) => p.deadLetters);
    expect(pushes.every((p) => p.jobId === post.body.id && p.deadLetters.length > 0)).toBe(true);
    // Each bad record pushed once, newest first within a push, all with their node and error.
    const values = pushed.map((d) => (d.record as { n: string }).n);
    expect(new Set(values).size).toBe(values.length);
    expect(values.every((v) => typeof v === 'string' && v.startsWith('bad-'))).toBe(true);
    expect(pushed[0]).toMatchObject({ nodeId: 'double', error: expect.any(String) });
    for (const p of pushes) {
      const ns = p.deadLetters.map((d) => Number((d.record as { n: string }).n.slice(4)));
      expect(ns).toEqual([...ns].sort((a, b) => b - a));
    }
    // The REST history still lists them all.
    expect((await api(server, `/api/jobs/${post.body.id}/dead-letters`)).body.total).toBe(15);
  }, 60_000); // the input alone takes 6 s: above vitest's 5 s default

  it('sends job:failure when an error restarts the job, as GET failures then lists it', async () => {
    const server = await startServer({
      dataDir: join(dir, 'data-fail'),
      rateLimit: false,
      // The real engine with its test-only failure injection: the count fails once, after a checkpoint.
      startJob: (spec, o) => Engine.start(spec, { ...o, debugFailAfter: { nodeId: 'counts', records: 3_000, afterCheckpoint: true } }),
    });
    servers.push(server);
    const spec = { ...countingSpec({ count: 20_000, rate: 1_000, intervalMs: 200 }), name: 'failing' };
    spec.config = { ...spec.config, restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 100 } } as typeof spec.config;
    const id = (await api(server, '/api/jobs', { json: spec })).body.id as string;
    const c = await subscribed(server, id);
    const failures: FailureEvent[] = [];
    c.on('job:failure', (f) => failures.push(f));
    const f = await waitFor(() => failures[0], 'a job:failure event', 60_000);
    expect(f).toMatchObject({ jobId: id, status: 'restarting', error: { nodeId: 'counts', message: expect.any(String) }, ts: expect.any(Number) });
    const listed = (await api<FailureList>(server, `/api/jobs/${id}/failures`)).body.failures;
    expect(listed[0]).toEqual({ ts: f.ts, status: f.status, error: f.error });
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });
});
