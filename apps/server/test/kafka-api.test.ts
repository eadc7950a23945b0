// /api/kafka against a real broker (scripts/kafka, started here): the inspector's topic list and
// record preview, their input checks, an unreachable cluster, and that a preview commits nothing.
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import type { RiffleServer } from '../src/index.js';
import { api, removeDir, startServer, tempDir } from './helpers.js';

const TOKEN = 'kafka-api-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
let broker: KafkaBroker;
let kafka: Kafka;
let server: RiffleServer;
let dir: string;
const topic = `inspect-${Date.now()}`;

beforeAll(async () => {
  broker = await startKafka({ quiet: true });
  kafka = new Kafka({ clientId: 'kafka-api-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      ...Array.from({ length: 30 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: JSON.stringify({ i }), timestamp: String(1_700_000_000_000 + i) })),
      { partition: 0, key: null, value: Buffer.from([0xff, 0xfe]), headers: { trace: 'x' }, timestamp: String(1_700_000_000_100) },
    ],
  });
  await producer.disconnect();
  dir = await tempDir();
  server = await startServer({ dataDir: join(dir, 'data'), auth: { token: TOKEN } });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await broker?.stop();
  if (dir) await removeDir(dir);
});

const q = () => `brokers=${encodeURIComponent(broker.brokers.join(','))}`;

describe('GET /api/kafka/topics', () => {
  it('lists the topics of the cluster, internal ones left out', async () => {
    const r = await api(server, `/api/kafka/topics?${q()}`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.body.topics).toContain(topic);
    expect(r.body.topics.some((t: string) => t.startsWith('__'))).toBe(false);
  });

  it('refuses a broker list that is not host:port, naming it', async () => {
    for (const bad of ['', 'localhost', 'localhost:0', 'local host:9092', 'a:99999', 'http://x:1']) {
      const r = await api(server, `/api/kafka/topics?brokers=${encodeURIComponent(bad)}`, { headers: auth });
      expect(r.status, bad).toBe(400);
      expect(r.body.error).toBe('invalid_brokers');
    }
  });

  it('answers 502 kafka_unreachable in bounded time when nothing listens there', async () => {
    const port = await freePort();
    const r = await api(server, `/api/kafka/topics?brokers=127.0.0.1:${port}`, { headers: auth });
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('kafka_unreachable');
    expect(r.body.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('GET /api/kafka/topics/:topic/preview', () => {
  it('returns the newest records, newest last, as text or base64 with headers', async () => {
    const r = await api(server, `/api/kafka/topics/${topic}/preview?${q()}&limit=5`, { headers: auth });
    expect(r.status).toBe(200);
    const records = r.body.records as Array<{ partition: number; offset: number; key: unknown; value: unknown; headers: Record<string, string>; timestamp: number }>;
    expect(records).toHaveLength(5);
    // Timestamps 26..29 and the binary record at +100 are the newest five.
    expect(records.slice(0, 4).map((x) => x.value)).toEqual([26, 27, 28, 29].map((i) => JSON.stringify({ i })));
    expect(records[4]!.value).toEqual({ base64: Buffer.from([0xff, 0xfe]).toString('base64') });
    expect(records[4]!.key).toBeNull();
    expect(records[4]!.headers).toEqual({ trace: 'x' });
    expect(records[0]!.key).toBe('k26');
  });

  it('defaults to 10 records, caps the limit at 50, and commits no consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const groupsBefore = (await admin.listGroups()).groups.length;
    const r = await api(server, `/api/kafka/topics/${topic}/preview?${q()}`, { headers: auth });
    expect(r.body.records).toHaveLength(10);
    expect((await api(server, `/api/kafka/topics/${topic}/preview?${q()}&limit=51`, { headers: auth })).status).toBe(400);
    expect((await admin.listGroups()).groups.length).toBe(groupsBefore);
    await admin.disconnect();
  });

  it('404 for a topic the cluster does not have, 400 for a name Kafka would refuse', async () => {
    const missing = await api(server, `/api/kafka/topics/no-such-topic-${Date.now()}/preview?${q()}`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('kafka_topic_unavailable');
    const bad = await api(server, `/api/kafka/topics/${encodeURIComponent('a/b')}/preview?${q()}`, { headers: auth });
    expect([400, 404]).toContain(bad.status);
    const spaced = await api(server, `/api/kafka/topics/${encodeURIComponent('a b')}/preview?${q()}`, { headers: auth });
    expect(spaced.status).toBe(400);
    expect(spaced.body.error).toBe('invalid_topic');
  });

  it('needs the token', async () => {
    expect((await api(server, `/api/kafka/topics?${q()}`)).status).toBe(401);
    expect((await api(server, `/api/kafka/topics/${topic}/preview?${q()}`)).status).toBe(401);
  });
});
