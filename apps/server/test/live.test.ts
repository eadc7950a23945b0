import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { JOBS_NAMESPACE, type CheckpointInfo, type ClientToServerEvents, type JobMetrics, type PreviewUpdate, type RestartEvent, type ServerToClientEvents, type StatusUpdate, type SubscribeAck } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { countingSpec, HELD, holdingCheckpoints } from './checkpoint-helpers.js';
import { api, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';
import { connectJobs } from './socket-helpers.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let dataDir: string;
let server: RiffleServer;
const clients: Client[] = [];

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServer({ dataDir, startJob: holdingCheckpoints });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await removeDir(dataDir);
});

async function connect(): Promise<Client> {
  const c = await connectJobs(server);
  clients.push(c);
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

/** A client subscribed to `jobId` that records every checkpoint and restart event. */
async function subscribedWithEvents(jobId: string) {
  const c = await connect();
  const events: Array<[string, CheckpointInfo | RestartEvent]> = [];
  for (const name of ['checkpoint:started', 'checkpoint:completed', 'checkpoint:failed', 'job:restarted'] as const) c.on(name, (e: CheckpointInfo | RestartEvent) => events.push([name, e]));
  return { ack: await subscribe(c, jobId), events };
}

const running = async (id: string) => waitFor(async () => (await api(server, `/api/jobs/${id}`)).body.status === 'running', 'the job to run');

describe('live checkpoint events', { timeout: 60_000 }, () => {
  it('sends checkpoint:started then checkpoint:completed with size per operator, and job:restarted on restore; the ack lists checkpoints', async () => {
    const id = (await api(server, '/api/jobs', { json: countingSpec({ count: 10_000_000, rate: 2_000 }) })).body.id as string;
    await running(id);
    const { ack, events } = await subscribedWithEvents(id);
    expect(ack).toMatchObject({ ok: true, checkpoints: [] });
    const t = await api(server, `/api/jobs/${id}/checkpoints`, { method: 'POST' });
    expect(t.status).toBe(202);
    await waitFor(() => events.some(([n]) => n === 'checkpoint:completed'), 'checkpoint:completed');
    const mine = events.filter(([, e]) => (e as CheckpointInfo).id === t.body.id);
    expect(mine[0]).toEqual(['checkpoint:started', expect.objectContaining({ jobId: id, status: 'in_progress', kind: 'checkpoint' })]);
    const [, done] = mine.find(([n]) => n === 'checkpoint:completed')! as [string, CheckpointInfo];
    expect(done).toMatchObject({ jobId: id, snapshotId: t.body.snapshotId, status: 'completed', alignmentMs: expect.any(Number), durationMs: expect.any(Number) });
    expect(done.bytes).toBeGreaterThan(0);
    expect(done.operators!.reduce((n, o) => n + o.bytes, 0)).toBeGreaterThan(0);

    // A late subscriber gets the list in its ack.
    const late = await subscribedWithEvents(id);
    expect(late.ack.ok && late.ack.checkpoints?.map((c) => c.snapshotId)).toEqual([t.body.snapshotId]);

    expect((await api(server, `/api/jobs/${id}/restore`, { json: { checkpointId: t.body.snapshotId } })).status).toBe(200);
    await waitFor(() => events.some(([n]) => n === 'job:restarted'), 'job:restarted');
    expect(events.find(([n]) => n === 'job:restarted')![1]).toMatchObject({ jobId: id, reason: 'restore', snapshotId: t.body.snapshotId, ts: expect.any(Number) });
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });

  it('sends checkpoint:failed with the reason when a checkpoint is aborted', async () => {
    // The sink's snapshot is held (test-only engine option); stopping the job aborts the checkpoint.
    const id = (await api(server, '/api/jobs', { json: countingSpec({ count: 10_000_000, rate: 1000, name: HELD }) })).body.id as string;
    await running(id);
    const { events } = await subscribedWithEvents(id);
    expect((await api(server, `/api/jobs/${id}/checkpoints`, { method: 'POST' })).status).toBe(202);
    await waitFor(() => events.some(([n]) => n === 'checkpoint:started'), 'checkpoint:started');
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
    await waitFor(() => events.some(([n]) => n === 'checkpoint:failed'), 'checkpoint:failed');
    const [, failed] = events.find(([n]) => n === 'checkpoint:failed')! as [string, CheckpointInfo];
    expect(failed).toMatchObject({ jobId: id, status: 'failed', retained: false, error: expect.any(String) });
  });
});
