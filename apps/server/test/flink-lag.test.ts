// Kafka consumer lag of a job on the `flink` target (#10), on a real Flink session cluster, a real
// Kafka broker and a real PostgreSQL: the job reads a topic with a backlog into a table another
// session holds locked, so Flink's JDBC sink blocks and back-pressures the source (a slow sink,
// as in production). The sample on the socket then shows the source's lag per partition, above 0;
// once the lock goes, the job catches up and the lag falls to 0 on every partition.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobMetrics, OperatorMetrics, SubscribeAck } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import { postgresBinDir, startPostgres, type PostgresServer } from '../../../scripts/postgres/postgres.mjs';
import { KafkaKit } from '../../../packages/engine/test/kafka-kit.js';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';
import { connectJobs, type JobsClient } from './socket-helpers.js';

let flink: FlinkCluster;
let broker: KafkaBroker;
let pg: PostgresServer;
let dataDir: string;
let server: RiffleServer | undefined;
let client: JobsClient | undefined;
let locker: ChildProcess | undefined;

const RECORDS_PER_PARTITION = 20_000;

beforeAll(async () => {
  // Metrics reach Flink's REST API through a store refreshed this often (default 10 s).
  [flink, broker, pg] = await Promise.all([startFlink({ quiet: true, config: { 'metrics.fetcher.update-interval': 1000 } }), startKafka({ quiet: true }), startPostgres({ quiet: true })]);
  dataDir = await tempDir();
}, 240_000);

afterAll(async () => {
  locker?.kill();
  client?.close();
  await server?.close();
  await Promise.all([flink?.stop(), broker?.stop(), pg?.stop()]);
  if (dataDir) await removeDir(dataDir);
});

// A statement timeout: a query that waited on the lock would block the test's event loop for good.
const psql = (sql: string) => execFileSync(join(postgresBinDir(), 'psql'), [pg.connectionString, '-At', '-c', sql], { encoding: 'utf8', timeout: 20_000 }).trim();
/** The rows in the table, asked at most twice a second (each ask starts a psql). */
const rowCount = async () => {
  await new Promise((r) => setTimeout(r, 500));
  return Number(psql('SELECT count(*) FROM ids'));
};

describe('Kafka lag of a Flink run', () => {
  it('reports the lag per partition while a slow sink holds the source back, and 0 once it caught up', async () => {
    const kit = new KafkaKit(broker.brokers);
    const topic = await kit.createTopic(2);
    for (const partition of [0, 1]) {
      const values = Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => ({ partition, value: JSON.stringify({ id: partition * RECORDS_PER_PARTITION + i }) }));
      for (let i = 0; i < values.length; i += 5000) await kit.produce(topic, values.slice(i, i + 5000));
    }
    await kit.close();

    psql('CREATE TABLE ids (id BIGINT)');
    // A session that holds the table until it is killed: Flink's INSERTs wait for it (EXCLUSIVE
    // mode still lets this test count the rows).
    locker = spawn(join(postgresBinDir(), 'psql'), [pg.connectionString, '-c', 'BEGIN; LOCK TABLE ids IN EXCLUSIVE MODE; SELECT pg_sleep(3600);'], { stdio: 'ignore' });
    await waitFor(() => psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ids' AND l.mode = 'ExclusiveLock' AND l.granted") === '1', 'the table lock', 30_000);

    server = await startServer({ dataDir, baseDir: dataDir, flink: { restUrl: flink.restUrl, sqlGatewayUrl: flink.sqlGatewayUrl }, rateLimit: false });
    const spec = {
      specVersion: 1,
      name: 'flink-lag',
      config: { target: 'flink', parallelism: 1 },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers: broker.brokers, topic, startFrom: 'earliest', fields: [{ name: 'id', type: 'int' }] } },
        { id: 'out', kind: 'sink.postgres', params: { connectionString: pg.connectionString, table: 'ids', mode: 'append' } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    };
    const submitted = await api(server, '/api/jobs', { json: spec });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id: string = submitted.body.id;
    client = await connectJobs(server);
    const samples: JobMetrics[] = [];
    client.on('job:metrics', (m: JobMetrics) => samples.push(m));
    const ack = await new Promise<SubscribeAck>((res) => client!.emit('subscribe', { jobId: id }, res));
    expect(ack.ok).toBe(true);
    const source = () => samples.at(-1)?.operators.find((o) => o.nodeId === 'in');
    const describeLast = () => JSON.stringify(source());

    // Held back: the partitions it has read from are listed with their topic, each behind, and the
    // total is their sum. (The sink blocks the source's task after its first records, so the
    // source may not have read from the second partition yet: Flink does not say where it stands there.)
    const behind = await waitFor(() => {
      const s = source();
      return (s?.partitionLag?.length ?? 0) > 0 && s!.partitionLag!.every((p) => p.lag > 0) ? s : undefined;
    }, 'a lag per partition above 0 while the sink is blocked', 120_000).catch((err: Error) => {
      throw new Error(`${err.message}; last sample of the source: ${describeLast()}`);
    });
    for (const p of behind.partitionLag!) expect([0, 1]).toContain(p.partition);
    expect(behind.partitionLag!.every((p) => p.topic === topic)).toBe(true);
    expect(behind.consumerLag).toBe(behind.partitionLag!.reduce((s, p) => s + p.lag, 0));
    // What it has not read of the backlog: behind, but less than the partition holds (it read some).
    for (const p of behind.partitionLag!) expect(p.lag).toBeLessThan(RECORDS_PER_PARTITION);
    expect(await rowCount()).toBe(0);

    // The lock goes: the job catches up, every record reaches the table, the lag falls to 0.
    // The locking session's backend sleeps on (a closed client goes unnoticed in pg_sleep): end it.
    expect(psql("SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ids' AND l.mode = 'ExclusiveLock'")).toBe('1');
    locker.kill();
    await waitFor(async () => (await rowCount()) === 2 * RECORDS_PER_PARTITION, 'every record in the table', 180_000);
    const caughtUp = await waitFor(() => {
      const s: OperatorMetrics | undefined = source();
      return s?.consumerLag === 0 && s.partitionLag?.length === 2 && s.partitionLag.every((p) => p.lag === 0) ? s : undefined;
    }, 'the lag to fall to 0', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; last sample of the source: ${describeLast()}`);
    });
    expect(caughtUp.recordsOut).toBeGreaterThan(0);

    expect((await api(server, `/api/jobs/${id}/stop`, { method: 'POST' })).body.status).toBe('stopped');
  }, 400_000);
});
