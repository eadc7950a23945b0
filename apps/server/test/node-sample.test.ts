import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { JOBS_NAMESPACE, type ClientToServerEvents, type NodeSampleUpdate, type SampleSubscribeAck, type ServerToClientEvents } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir, unboundedSpec, waitFor } from './helpers.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let dataDir: string;
let server: RiffleServer;
let client: Client;

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServer({ dataDir, sampleIntervalMs: 200 });
  client = io(new URL(JOBS_NAMESPACE, server.url).href, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((res, rej) => (client.once('connect', () => res()), client.once('connect_error', rej)));
});
afterAll(async () => {
  client?.close();
  await server?.close();
  await removeDir(dataDir);
});

const subscribe = (jobId: unknown, nodeId: unknown) =>
  new Promise<SampleSubscribeAck>((res) => client.emit('sample:subscribe', { jobId, nodeId } as { jobId: string; nodeId: string }, res));

describe('live preview of any node over the socket', () => {
  it('streams the sampled output of a non-sink node to its subscribers, then stops when they leave', async () => {
    // gen → purchases (filter) → preview; only purchases pass the filter.
    const spec = unboundedSpec('sampled', 1000);
    spec.nodes[1]!.params = { expr: "event_type == 'purchase'" };
    const id: string = (await api(server, '/api/jobs', { json: spec })).body.id;
    const updates: NodeSampleUpdate[] = [];
    client.on('node:sample', (u) => updates.push(u));

    const ack = await subscribe(id, 'purchases');
    expect(ack).toMatchObject({ ok: true, jobId: id, nodeId: 'purchases' });
    const update = await waitFor(() => updates.find((u) => u.records.length >= 5), 'node:sample with records', 15_000);
    expect(update).toMatchObject({ jobId: id, nodeId: 'purchases' });
    // The filter's output, not its input: every sampled record is a purchase.
    for (const r of update.records) expect(r.value).toMatchObject({ event_type: 'purchase' });
    expect(update.records.length).toBeLessThanOrEqual(50);

    // The source node's sample holds every kind of event.
    const gen: NodeSampleUpdate[] = [];
    client.on('node:sample', (u) => u.nodeId === 'gen' && gen.push(u));
    expect((await subscribe(id, 'gen')).ok).toBe(true);
    await waitFor(() => gen.some((u) => u.records.some((r) => (r.value as { event_type: string }).event_type !== 'purchase')), 'non-purchase records from gen', 15_000);

    client.emit('sample:unsubscribe', { jobId: id, nodeId: 'purchases' });
    client.emit('sample:unsubscribe', { jobId: id, nodeId: 'gen' });
    // A round trip after the unsubscribes, then no more updates arrive.
    expect((await subscribe(id, 'nope')).ok).toBe(false);
    const seen = updates.length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(updates.length).toBe(seen);
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  }, 60_000);

  it('refuses bad ids and unknown jobs or nodes with a reason', async () => {
    const id: string = (await api(server, '/api/jobs', { json: unboundedSpec('refuse', 10) })).body.id;
    expect(await subscribe('../x', 'gen')).toMatchObject({ ok: false, error: 'bad_job_id' });
    expect(await subscribe(id, { $gt: '' })).toMatchObject({ ok: false, error: 'bad_node_id' });
    expect(await subscribe(id, 'x'.repeat(100))).toMatchObject({ ok: false, error: 'bad_node_id' });
    expect(await subscribe('zzz-unknown', 'gen')).toMatchObject({ ok: false, error: 'not_found' });
    expect(await subscribe(id, 'nope')).toMatchObject({ ok: false, error: 'not_found', message: expect.stringContaining('nope') });
    await api(server, `/api/jobs/${id}/stop`, { method: 'POST' });
  });
});
