// KafkaTopicTail and the topic admin calls against the real test broker: the tail hands over only
// the newest `keep` records (never any before `from`), follows new ones, reports when it has read
// everything the topic held, and a topic is created once, kept when it exists, and deleted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { KafkaKit, waitFor } from '../../../test/kafka-kit.js';
import { createKafkaTopic, deleteKafkaTopics } from './topic-admin.js';
import { KafkaTopicTail } from './topic-tail.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);
beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const numbered = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ value: String(from + k) }));

/** A tail of `topic` collecting the values it is handed, in order. */
function follow(topic: string, keep: number, from?: number) {
  const seen: number[] = [];
  const errors: unknown[] = [];
  const tail = new KafkaTopicTail(brokers, topic, {
    keep,
    ...(from === undefined ? {} : { from: new Map([[0, from]]) }),
    onRecords: (_p, rs) => seen.push(...rs.map((r) => Number(r.value!.toString()))),
    onError: (e) => errors.push(e),
  });
  return { tail, seen, errors };
}

describe('KafkaTopicTail', () => {
  it('starts keep records before the end, follows new records, and says when it has read all there was', async () => {
    const topic = await kit.createTopic(1);
    await kit.produce(topic, numbered(0, 30));
    const { tail, seen, errors } = follow(topic, 5);
    try {
      expect(await tail.caughtUp(20_000)).toBe(true);
      expect(seen).toEqual([25, 26, 27, 28, 29]);
      await kit.produce(topic, numbered(30, 3));
      await waitFor('the 3 new records', () => seen.length === 8, 20_000);
      expect(seen.slice(5)).toEqual([30, 31, 32]);
      // 20 records in one batch, keep 5: only the newest 5 are handed over, in order.
      await kit.produce(topic, numbered(33, 20));
      expect(await tail.caughtUp(20_000)).toBe(true);
      expect(seen.slice(8)).toEqual([48, 49, 50, 51, 52]);
      expect(errors).toEqual([]);
    } finally {
      await tail.close();
    }
  });

  it('never hands over records before from (where the current writer began)', async () => {
    const topic = await kit.createTopic(1);
    await kit.produce(topic, numbered(0, 10));
    const { tail, seen } = follow(topic, 50, 7);
    try {
      expect(await tail.caughtUp(20_000)).toBe(true);
      expect(seen).toEqual([7, 8, 9]);
    } finally {
      await tail.close();
    }
  });
});

describe('topic admin', () => {
  it('creates a topic with its settings once, leaves an existing one alone, deletes it (and a missing one quietly)', async () => {
    const topic = `adm-${randomUUID().slice(0, 8)}`;
    expect(await createKafkaTopic(brokers, topic, { partitions: 1, configs: { 'retention.ms': '3600000' } }, { timeoutMs: 15_000 })).toBe(true);
    expect(await createKafkaTopic(brokers, topic, { partitions: 3 }, { timeoutMs: 15_000 })).toBe(false);
    const meta = await kit.admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(1);
    const configs = await kit.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }] });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('3600000');
    await deleteKafkaTopics(brokers, [topic, `missing-${topic}`], { timeoutMs: 15_000 });
    await waitFor('the topic to be gone', async () => !(await kit.admin.listTopics()).includes(topic), 20_000);
  });
});
