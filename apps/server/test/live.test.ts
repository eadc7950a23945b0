import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { JOBS_NAMESPACE, type ClientToServerEvents, type JobMetrics, type PreviewUpdate, type ServerToClientEvents, type StatusUpdate, type SubscribeAck } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let dataDir: string;
let server: RiffleServer;
const clients: Client[] = [];

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServer({ dataDir });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await removeDir(dataDir);
});

async function connect(): Promise<Client> {
  const c: Client = io(new URL(JOBS_NAMESPACE, server.url).href, { transports: ['websocket'], reconnection: false });
  clients.push(c);
  await new Promise<void>((res, rej) => {
    c.once('connect', () => res());
    c.once('connect_error', rej);
  });
  return c;
}

const subscribe = (c: Client, jobId: string) =>
  new Promise<SubscribeAck>((res) => c.emit('subscribe', { jobId }, res));

describe('live protocol', () => {
  it('samples metrics every interval but sends a preview only when it changed', async () => {
    const fast = await startServer({ dataDir: join(dataDir, 'fast'), sampleIntervalMs: 100 });
    try {
      // The filter drops every record, so the collect sink's preview never changes.
      const spec = unboundedSpec('quiet', 1000);
      spec.nodes[1]!.params = { expr: "event_type == 'no-such-event'" };
      const id: string = (await api(fast, '/api/jobs', { json: spec })).body.id;
      const c: Client = io(new URL(JOBS_NAMESPACE, fast.url).href, { transports: ['websocket'], reconnection: false });
      clients.push(c);
      let metrics = 0;
      let previews = 0;
      c.on('job:metrics', () => metrics++);
      c.on('job:preview', () => previews++);
      expect((await subscribe(c, id)).ok).toBe(true);
      await waitFor(() => metrics >= 8, '8 job:metrics events', 5000);
      expect(previews).toBeLessThanOrEqual(1);
    } finally {
      await fast.close();
    }
  });

  it('acks a snapshot, then streams metrics, previews and status', async () => {
    const id: string = (await api(server, '/api/jobs', { json: unboundedSpec('live', 500) })).body.id;
    const c = await connect();
    const metrics: JobMetrics[] = [];
    const previews: PreviewUpdate[] = [];
    const statuses: StatusUpdate[] = [];
    c.on('job:metrics', (m) => metrics.push(m));
    c.on('job:preview', (p) => previews.push(p));
    c.on('job:status', (s) => statuses.push(s));

    const ack = await subscribe(c, id);
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.job).toMatchObject({ id, name: 'live', spec: { name: 'live' } });
    expect(['created', 'running']).toContain(ack.job.status);
    expect(Array.isArray(ack.history)).toBe(true);
    expect(Object.keys(ack.previews)).toEqual(['preview']);

    const m = await waitFor(() => metrics.find((x) => x.jobId === id && x.operators.some((o) => o.nodeId === 'gen' && o.recordsOut > 0)), 'job:metrics with records', 5000);
    expect(m.operators.map((o) => o.nodeId).sort()).toEqual(['gen', 'preview', 'purchases']);
    const p = await waitFor(() => previews.find((x) => x.jobId === id && x.nodeId === 'preview' && x.records.length > 0), 'job:preview with records', 5000);
    expect(p.records[0]).toHaveProperty('event_type');

    // The history in a later snapshot holds the samples taken so far.
    const c2 = await connect();
    const ack2 = await subscribe(c2, id);
    expect(ack2.ok && ack2.history.length).toBeGreaterThan(0);
    expect(ack2.ok && ack2.previews.preview!.length).toBeGreaterThan(0);

    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
    await waitFor(() => statuses.some((s) => s.jobId === id && s.status === 'stopped'), 'job:status stopped', 5000);
  });

  it('answers not_found for unknown jobs and stops sending after unsubscribe', async () => {
    const c = await connect();
    expect(await subscribe(c, 'zz-nope')).toEqual({ ok: false, error: 'not_found' });
    expect(await subscribe(c, '../etc')).toEqual({ ok: false, error: 'bad_job_id' });

    const id: string = (await api(server, '/api/jobs', { json: unboundedSpec('unsub', 100) })).body.id;
    let count = 0;
    c.on('job:metrics', (m) => {
      if (m.jobId === id) count++;
    });
    expect((await subscribe(c, id)).ok).toBe(true);
    await waitFor(() => count > 0, 'a first job:metrics', 5000);
    c.emit('unsubscribe', { jobId: id });
    // Events are ordered: once this ack is back, the unsubscribe has been handled.
    await subscribe(c, 'zz-nope');
    const after = count;
    await new Promise((r) => setTimeout(r, 1300));
    expect(count).toBe(after);
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });
});
