// Preview sinks of jobs on the `flink` target (#10), on a real Flink session cluster and a real
// Kafka broker (the server's FLINK_PREVIEW_BROKERS): a `sink.collect` compiles to a Kafka table on
// the topic riffle-preview-<jobId>-<nodeId>, and the server reads it into the same preview as an
// embedded job's (GET /api/jobs/:id `previews`, the subscribe snapshot, `job:preview`). Checked:
// the rows equal an embedded run's; a server that re-attaches reads the running job's latest rows
// again; stop with savepoint and a restore keep working, the restored run writing to the same
// (recreated) topic; a run's topics are deleted when it ends.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewUpdate, SubscribeAck } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import { KafkaKit } from '../../../packages/engine/test/kafka-kit.js';
import type { RiffleServer } from '../src/index.js';
import { linePipeline } from './flink-specs.js';
import { api, jobEnded, removeDir, startServer, tempDir, waitFor } from './helpers.js';
import { connectJobs, type JobsClient } from './socket-helpers.js';

let flink: FlinkCluster;
let broker: KafkaBroker;
let kit: KafkaKit;
let dataDir: string;
let server: RiffleServer | undefined;
const clients: JobsClient[] = [];

beforeAll(async () => {
  [flink, broker] = await Promise.all([startFlink({ quiet: true }), startKafka({ quiet: true })]);
  kit = new KafkaKit(broker.brokers);
  await kit.admin.connect();
  dataDir = await tempDir('riffle-flink-preview-');
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await kit?.close();
  await Promise.all([flink?.stop(), broker?.stop()]);
  if (dataDir) await removeDir(dataDir);
});

async function restartServer(): Promise<RiffleServer> {
  await server?.close();
  server = await startServer({ dataDir, baseDir: dataDir, flink: { restUrl: flink.restUrl, sqlGatewayUrl: flink.sqlGatewayUrl, previewBrokers: broker.brokers }, rateLimit: false });
  return server;
}

const previewOf = async (s: RiffleServer, id: string, node: string): Promise<unknown[]> => (await api(s, `/api/jobs/${id}`)).body.previews?.[node] ?? [];
const topics = async () => (await kit.admin.listTopics()).filter((t) => t.startsWith('riffle-preview-'));

describe('previews of jobs on Flink', () => {
  it('a bounded job: the preview holds the last `limit` rows, as an embedded run of the spec does, on the REST API and the socket; the plan shows the preview table; the topic goes when the run ends', async () => {
    const s = await restartServer();
    expect((await api(s, '/api/capabilities')).body).toEqual({ targets: ['embedded', 'flink'], flinkPreview: true });
    const rows = Array.from({ length: 30 }, (_, i) => ({ user: `u${i % 4}`, item: i, qty: (i % 5) + 1, price: i / 4, ts: Date.UTC(2026, 0, 1) + i * 1000 }));
    await writeFile(join(dataDir, 'orders.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const spec = linePipeline('flink-preview', [{ id: 'big', kind: 'filter', params: { expr: 'qty > 2' } }], { input: join(dataDir, 'orders.ndjson'), sink: { id: 'peek', kind: 'sink.collect', params: { limit: 5 } } });
    const expected = rows.filter((r) => r.qty > 2).slice(-5);

    const embedded = await api(s, '/api/jobs', { json: { spec, target: 'embedded' } });
    expect(embedded.status, JSON.stringify(embedded.body)).toBe(201);
    expect((await jobEnded(s, embedded.body.id, 60_000)).previews.peek).toEqual(expected);

    const submitted = await api(s, '/api/jobs', { json: { spec, target: 'flink' } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id: string = submitted.body.id;
    const c = await connectJobs(s);
    clients.push(c);
    const pushed: PreviewUpdate[] = [];
    c.on('job:preview', (p) => pushed.push(p));
    const ack = await new Promise<SubscribeAck>((res) => c.emit('subscribe', { jobId: id }, res));
    expect(ack.ok).toBe(true);

    const ended = await jobEnded(s, id, 180_000);
    expect(ended.status, JSON.stringify(ended.error)).toBe('finished');
    // Reported finished only once the preview had read the topic to its end.
    expect(ended.previews.peek).toEqual(expected);
    await waitFor(() => pushed.some((p) => p.jobId === id && p.nodeId === 'peek' && JSON.stringify(p.records) === JSON.stringify(expected)), 'the rows on job:preview', 10_000);

    const topic = `riffle-preview-${id}-peek`;
    const plan = (await api(s, `/api/jobs/${id}/plan`)).body;
    expect(plan.preview).toEqual({ brokers: broker.brokers, sinks: [{ nodeId: 'peek', topic, limit: 5 }] });
    expect(plan.setup.find((x: string) => x.startsWith('CREATE TEMPORARY TABLE `peek`'))).toContain(`'connector' = 'kafka', 'topic' = '${topic}'`);
    await waitFor(async () => !(await topics()).includes(topic), 'the preview topic to be deleted', 20_000);
  }, 300_000);

  it('an unbounded job: re-read after a server restart, kept on stop with savepoint, and a restore writes to the same topic again (this run’s rows only)', async () => {
    let s = await restartServer();
    const input = await kit.createTopic(1);
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ value: JSON.stringify({ id: from + k }) }));
    await kit.produce(input, ids(0, 10));
    const spec = {
      specVersion: 1,
      name: 'flink-preview-kafka',
      config: { target: 'flink', parallelism: 1 },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers: broker.brokers, topic: input, startFrom: 'earliest', fields: [{ name: 'id', type: 'int' }] } },
        { id: 'last3', kind: 'sink.collect', params: { limit: 3 } },
      ],
      edges: [{ from: 'in', to: 'last3' }],
    };
    const submitted = await api(s, '/api/jobs', { json: spec });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id: string = submitted.body.id;
    const topic = `riffle-preview-${id}-last3`;
    const shows = (want: number[], what: string, srv = () => s) =>
      waitFor(async () => JSON.stringify(await previewOf(srv(), id, 'last3')) === JSON.stringify(want.map((n) => ({ id: n }))), what, 120_000).catch(async (err: Error) => {
        throw new Error(`${err.message}; preview: ${JSON.stringify(await previewOf(srv(), id, 'last3'))}; job: ${JSON.stringify((await api(srv(), `/api/jobs/${id}`)).body.error ?? '')}`);
      });
    await shows([7, 8, 9], 'the last 3 of the first 10 rows');
    expect(await topics()).toContain(topic);

    // The server goes away and comes back: it re-attaches and reads the latest rows again from
    // the topic (nothing new was written meanwhile).
    s = await restartServer();
    await shows([7, 8, 9], 'the same rows read again after the restart');
    await waitFor(async () => (await api(s, `/api/jobs/${id}`)).body.status === 'running', 'the re-attached job to run', 60_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; job: ${JSON.stringify((await api(s, `/api/jobs/${id}`)).body)}`);
    });
    await kit.produce(input, ids(10, 2));
    await shows([9, 10, 11], 'the new rows');

    // Stop with savepoint: the preview keeps the last rows; the run's topic goes.
    const stopped = await api(s, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect(stopped.body.previews.last3).toEqual([{ id: 9 }, { id: 10 }, { id: 11 }]);
    await waitFor(async () => !(await topics()).includes(topic), 'the stopped run’s topic to be deleted', 20_000);

    // Restore: the same topic, created again; the source goes on after id 11, so the preview shows
    // the restored run's rows only, as an embedded job's new run does.
    const restored = await api(s, `/api/jobs/${id}/restore`, { json: { savepointId: stopped.body.savepoint.snapshotId } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    await waitFor(async () => (await api(s, `/api/jobs/${id}`)).body.status === 'running', 'the restored run', 120_000);
    expect(await topics()).toContain(topic);
    await kit.produce(input, ids(12, 2));
    await shows([12, 13], 'the restored run’s rows');
    expect((await api(s, `/api/jobs/${id}/stop`, { method: 'POST' })).body.status).toBe('stopped');
    await waitFor(async () => !(await topics()).includes(topic), 'the topic to be deleted after the stop', 20_000);
  }, 400_000);
});
