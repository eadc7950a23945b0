// kafkajs 2.2.4 against the real test broker (scripts/kafka): the client features that Riffle's
// Kafka source and exactly-once sink will rely on. If a broker upgrade breaks one of them
// (e.g. removed protocol versions, KIP-896), this suite says which.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';

const brokers = inject('kafkaBrokers');
const kafka = new Kafka({ clientId: 'riffle-it', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const consumers: Consumer[] = [];

const uniq = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

async function createTopic(partitions = 1): Promise<string> {
  const topic = uniq('it');
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  expect(created).toBe(true);
  return topic;
}

/**
 * Reads `topic` from the beginning with a fresh group until `done(messages)` holds, or fails after
 * timeoutMs. Returns the values as strings.
 */
async function readUntil(
  topic: string,
  done: (values: string[]) => boolean,
  { readUncommitted = false, timeoutMs = 30_000 } = {},
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniq('reader'), readUncommitted, maxWaitTimeInMs: 100 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out on ${topic}; read so far: ${JSON.stringify(values)}`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }: { message: KafkaMessage }) => {
        values.push(message.value?.toString() ?? '<null>');
        if (done(values)) { clearTimeout(timer); ok(); }
      },
    }).catch(fail);
  });
  await consumer.disconnect();
  return values;
}

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
  await admin.disconnect();
});

describe('kafkajs 2.2.4 against the test broker', () => {
  it('describes the cluster and creates topics', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(`${cluster.brokers[0]!.host}:${cluster.brokers[0]!.port}`).toBe(brokers[0]);
    const topic = await createTopic(3);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('produces and consumes (keys keep their partition, headers survive)', async () => {
    const topic = await createTopic(2);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `v${i}`, headers: { n: String(i) } }));
    const meta = await producer.send({ topic, messages });
    await producer.disconnect();
    expect(meta.every((m) => m.errorCode === 0)).toBe(true);

    const got = await readUntil(topic, (v) => v.length >= 20);
    expect(got.sort()).toEqual(messages.map((m) => m.value).sort());
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(20);
  });

  it('transactions: a read_committed consumer sees the committed batch and never the aborted one', async () => {
    const topic = await createTopic(1);
    const producer = kafka.producer({ transactionalId: uniq('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
    await aborted.abort();

    const end = await producer.transaction(); // a committed marker after the aborted batch
    await end.send({ topic, messages: [{ value: 'end' }] });
    await end.commit();
    await producer.disconnect();

    const readCommitted = await readUntil(topic, (v) => v.includes('end'));
    expect(readCommitted).toEqual(['c1', 'c2', 'end']);
    // The aborted records are in the log: a read_uncommitted consumer sees them.
    const readUncommitted = await readUntil(topic, (v) => v.includes('end'), { readUncommitted: true });
    expect(readUncommitted).toEqual(['c1', 'c2', 'a1', 'a2', 'end']);
  });

  it('sendOffsets inside a transaction: consume-transform-produce commits output and input offsets together', async () => {
    const input = await createTopic(1);
    const output = await createTopic(1);
    const groupId = uniq('ctp');
    const seed = kafka.producer();
    await seed.connect();
    await seed.send({ topic: input, messages: ['1', '2', '3', '4', '5'].map((value) => ({ value })) });
    await seed.disconnect();

    const producer = kafka.producer({ transactionalId: uniq('ctp-tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });

    // One transaction per input record: the doubled value out, the consumed offset in.
    // The 4th transaction is aborted: neither its output nor its offset may become visible.
    let processed = 0;
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`consume-transform-produce timed out after ${processed} records`)), 30_000);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          if (processed >= 4) return;
          const txn = await producer.transaction();
          await txn.send({ topic: output, messages: [{ value: String(Number(message.value!.toString()) * 2) }] });
          await txn.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }],
          });
          processed += 1;
          if (processed === 4) {
            await txn.abort();
            clearTimeout(timer);
            ok();
          } else {
            await txn.commit();
          }
        },
      }).catch(fail);
    });
    await consumer.disconnect();
    const end = await producer.transaction(); // a committed marker after the aborted record
    await end.send({ topic: output, messages: [{ value: 'end' }] });
    await end.commit();
    await producer.disconnect();

    const committedOffsets = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(committedOffsets[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);
    expect(await readUntil(output, (v) => v.includes('end'))).toEqual(['2', '4', '6', 'end']);
    expect(await readUntil(output, (v) => v.includes('end'), { readUncommitted: true })).toEqual(['2', '4', '6', '8', 'end']);
  });
});

describe('protocol versions (KIP-896 removed old ones in Kafka 4)', () => {
  it('every API that kafkajs implements has a version the broker accepts', async () => {
    // kafkajs always sends min(its newest version, the broker's newest): that must not be below
    // the broker's oldest. Reads kafkajs internals (pinned to 2.2.4) and the broker's ApiVersions.
    const require = createRequire(import.meta.url);
    const { requests } = require('kafkajs/src/protocol/requests') as { requests: Record<string, { versions: string[] }> };
    const apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as Record<string, number>;
    type Versions = Record<number, { minVersion: number; maxVersion: number }>;
    type InternalBroker = { connect(): Promise<void>; disconnect(): Promise<void>; versions: Versions };
    const ConnectionPool = require('kafkajs/src/network/connectionPool') as new (o: object) => object;
    const Broker = require('kafkajs/src/broker') as new (o: object) => InternalBroker;
    const socketFactory = (require('kafkajs/src/network/socketFactory') as () => unknown)();
    const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
      createLogger(o: object): unknown; LEVELS: Record<string, number>;
    };
    const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} });
    const [host, port] = brokers[0]!.split(':');
    const broker = new Broker({
      logger,
      connectionPool: new ConnectionPool({ host, port: Number(port), logger, socketFactory, clientId: 'riffle-it-versions',
        connectionTimeout: 2000, requestTimeout: 5000, enforceRequestTimeout: true, maxInFlightRequests: null }),
    });
    await broker.connect(); // sends ApiVersions and keeps the answer in broker.versions
    await broker.disconnect();
    const problems: string[] = [];
    let checked = 0;
    for (const [name, key] of Object.entries(apiKeys)) {
      const ours = (requests[name]?.versions ?? []).map(Number);
      if (ours.length === 0) continue; // not implemented by kafkajs
      checked += 1;
      const theirs = broker.versions[key];
      if (!theirs) { problems.push(`${name}: broker does not support it`); continue; }
      const sent = Math.min(Math.max(...ours), theirs.maxVersion);
      if (sent < theirs.minVersion) problems.push(`${name}: kafkajs sends v${sent}, broker accepts v${theirs.minVersion}-${theirs.maxVersion}`);
    }
    expect(checked).toBeGreaterThan(25);
    expect(problems).toEqual([]);
  });
});
