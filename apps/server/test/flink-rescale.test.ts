// Restoring a Flink run at another parallelism (#10), on a real Flink session cluster and a real
// Kafka broker: a keyed tumbling-window job (Kafka in, Kafka out exactly-once) runs at p=1, stops
// with a savepoint while windows are open, and is restored from it with `parallelism: 2` (Flink
// redistributes the keyed state by key group). Its output rows equal those of one uninterrupted
// run over the same records.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSpec, type JobSpec } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import { KafkaKit } from '../../../packages/engine/test/kafka-kit.js';
import type { RiffleServer } from '../src/index.js';
import { compileToFlinkSql } from '../src/flink/compiler/index.js';
import { runPlan } from './flink-gateway.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';

let flink: FlinkCluster;
let broker: KafkaBroker;
let dir: string;
let server: RiffleServer | undefined;

beforeAll(async () => {
  [flink, broker] = await Promise.all([startFlink({ quiet: true, config: { 'metrics.fetcher.update-interval': 1000 } }), startKafka({ quiet: true })]);
  dir = await tempDir('riffle-flink-rescale-');
}, 240_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([flink?.stop(), broker?.stop()]);
  if (dir) await removeDir(dir);
});

const USERS = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'];
const BASE = Date.UTC(2026, 0, 1);
/** Per partition, in event-time order: one record a second, users in turn, a quantity from the index. */
const records = (partition: number, from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { partition, value: JSON.stringify({ user: USERS[(i * 7 + partition) % USERS.length], qty: (i % 5) + 1, ts: BASE + i * 1000 + partition * 10 }), timestamp: String(BASE + i * 1000) };
  });
/** Records at this time on every partition close all earlier windows (and are left out of the comparison). */
const FLUSH_AT = 1000;

function spec(output: string, opts: { bounded: boolean; parallelism: number }): JobSpec {
  // Output topic `output`, in transactions committed on checkpoints.
  const v = validateSpec({
    specVersion: 1,
    name: 'flink-rescale',
    config: { target: 'flink', parallelism: opts.parallelism, checkpoints: { intervalMs: 1000, mode: 'exactly-once', retain: 3 } },
    nodes: [
      { id: 'in', kind: 'source.kafka', params: { brokers: broker.brokers, topic, bounded: opts.bounded, startFrom: 'earliest', timestamp: 'ts', fields: [{ name: 'user', type: 'string' }, { name: 'qty', type: 'int' }, { name: 'ts', type: 'int' }] } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
      { id: 'perWindow', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'qty' }, { fn: 'last', field: 'ts', as: 'lastTs' }] } },
      { id: 'out', kind: 'sink.kafka', params: { brokers: broker.brokers, topic: output, delivery: 'exactly-once' } },
    ],
    edges: [
      { from: 'in', to: 'byUser' },
      { from: 'byUser', to: 'perWindow' },
      { from: 'perWindow', to: 'out' },
    ],
  });
  if (!v.spec) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

let topic: string;
/** The rows of a topic (read_committed) before the flush, as sorted canonical JSON. */
const canonical = (rows: Array<{ value: Buffer | null }>) =>
  rows
    .map((m) => JSON.parse(m.value!.toString()) as Record<string, unknown>)
    .filter((r) => (r.window_end as number) <= BASE + FLUSH_AT * 1000)
    .map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]])))
    .sort();

describe('a Flink run restored at another parallelism', () => {
  it('restores a p=1 savepoint at p=2 with rows equal to an uninterrupted run', async () => {
    const kit = new KafkaKit(broker.brokers);
    topic = await kit.createTopic(2, { 'retention.ms': '-1' });
    const [rescaledTopic, referenceTopic] = [await kit.createTopic(1, { 'retention.ms': '-1' }), await kit.createTopic(1, { 'retention.ms': '-1' })];
    for (const p of [0, 1]) await kit.produce(topic, records(p, 0, 195));

    server = await startServer({ dataDir: join(dir, 'data'), baseDir: dir, flink: { restUrl: flink.restUrl, sqlGatewayUrl: flink.sqlGatewayUrl }, rateLimit: false });
    const submitted = await api(server, '/api/jobs', { json: spec(rescaledTopic, { bounded: false, parallelism: 1 }) });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id: string = submitted.body.id;
    // Everything produced so far is read (the last windows of each key are open, in state).
    await waitFor(async () => {
      const d = (await api(server!, `/api/jobs/${id}`)).body;
      if (['failed', 'stopped', 'finished'].includes(d.status)) throw new Error(`the job ended: ${JSON.stringify(d.error ?? d.status)}`);
      return d.status === 'running' && (d.metrics?.operators.find((o: { nodeId: string }) => o.nodeId === 'in')?.recordsOut ?? 0) >= 2 * 195;
    }, 'the first records read at p=1', 120_000);

    const stopped = await api(server, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(stopped.status, `${JSON.stringify(stopped.body)}; the job: ${JSON.stringify((await api(server, `/api/jobs/${id}`)).body).slice(0, 1500)}`).toBe(200);
    const savepointId: string = stopped.body.savepoint.snapshotId;

    // More records, then a record far ahead on each partition that closes every window before it.
    for (const p of [0, 1]) await kit.produce(topic, [...records(p, 195, 400), ...records(p, FLUSH_AT + 5, FLUSH_AT + 6)]);

    // The uninterrupted run: the same spec over every record, bounded, at p=1 (before the restore:
    // the restored run takes both of the cluster's slots).
    const compiled = compileToFlinkSql(spec(referenceTopic, { bounded: true, parallelism: 1 }), { jobName: 'flink-rescale-reference', baseDir: dir });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    await runPlan(flink, compiled.plan);
    const expected = canonical(await kit.readAll(referenceTopic, { timeoutMs: 60_000 }));
    // 400 s of records in 10 s windows, every user in every window.
    expect(expected.length).toBe(40 * USERS.length);

    const restored = await api(server, `/api/jobs/${id}/restore`, { json: { savepointId, parallelism: 2 } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const running = await waitFor(async () => {
      const d = (await api(server!, `/api/jobs/${id}`)).body;
      if (['failed', 'stopped', 'finished'].includes(d.status)) throw new Error(`the restored job ended: ${JSON.stringify(d.error ?? d.status)}`);
      return d.status === 'running' ? d : undefined;
    }, 'the restored job to run', 120_000);
    // Flink runs it at p=2, restored from the savepoint.
    const vertices = ((await (await fetch(`${flink.restUrl}/jobs/${running.flinkJobId}`)).json()) as { vertices: Array<{ parallelism: number }> }).vertices;
    expect(vertices.map((v) => v.parallelism)).toEqual(vertices.map(() => 2));
    const restoredFrom = await waitFor(async () => {
      const r = (await (await fetch(`${flink.restUrl}/jobs/${running.flinkJobId}/checkpoints`)).json()) as { latest?: { restored?: { external_path?: string } } };
      return r.latest?.restored?.external_path;
    }, 'Flink to report the restore', 30_000);
    expect(restoredFrom).toContain(savepointId.slice('sp-'.length));

    // The restored run commits its output on its checkpoints: every window, none twice.
    const got = canonical(await kit.readAll(rescaledTopic, { expect: expected.length, timeoutMs: 120_000 }));
    await kit.close();
    expect(got).toEqual(expected);
    expect((await api(server, `/api/jobs/${id}/stop`, { method: 'POST' })).body.status).toBe('stopped');
  }, 600_000);
});
