// FlinkPreviews and the preview topics against a real Kafka broker (what a Flink run's preview
// sinks write to): topics created with their settings and where the run begins, rows before that
// left out, the last `limit` rows kept, non-JSON skipped, the rest of a topic read before a run is
// reported over, the topic deleted then (by the job's newest run only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import { KafkaKit, uniq } from '../../../packages/engine/test/kafka-kit.js';
import { FlinkPreviews, preparePreviewTopics } from '../src/flink/flink-previews.js';
import type { FlinkPreviewPlan } from '../src/flink/plan-types.js';
import { waitFor } from './helpers.js';

let broker: KafkaBroker;
let kit: KafkaKit;

beforeAll(async () => {
  broker = await startKafka({ quiet: true });
  kit = new KafkaKit(broker.brokers);
  await kit.admin.connect();
}, 120_000);
afterAll(async () => {
  await kit?.close();
  await broker?.stop();
});

const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ value: JSON.stringify({ id: from + k }) }));
const ids = (records: unknown[]) => records.map((r) => (r as { id: number }).id);
const plan = (topic: string, limit: number): FlinkPreviewPlan => ({ brokers: broker.brokers, sinks: [{ nodeId: 'peek', topic, limit }] });

describe('preview topics of a Flink run', () => {
  it('creates the topic with one partition and short retention; a run reads from where it began, keeps the last limit rows and skips non-JSON', async () => {
    const topic = uniq('riffle-preview-t');
    expect(await preparePreviewTopics(plan(topic, 3))).toEqual({ peek: 0 });
    const meta = await kit.admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(1);
    const configs = await kit.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'message.timestamp.type'] }] });
    expect(Object.fromEntries(configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'retention.ms': '3600000', 'message.timestamp.type': 'LogAppendTime' });

    // An earlier run's rows (its topic was not deleted): the next run starts after them.
    await kit.produce(topic, rows(0, 2));
    const from = await preparePreviewTopics(plan(topic, 3));
    expect(from).toEqual({ peek: 2 });
    const previews = new FlinkPreviews(plan(topic, 3), from, { isCurrent: () => true });
    try {
      await kit.produce(topic, [...rows(100, 1), { value: 'not json' }]);
      await waitFor(() => previews.records('peek').length === 1, 'the first row of this run', 20_000);
      expect(ids(previews.records('peek'))).toEqual([100]);
      await kit.produce(topic, rows(101, 4));
      await waitFor(() => ids(previews.records('peek')).join() === '102,103,104', 'the last 3 rows', 20_000);
      expect(previews.records('unknown')).toEqual([]);
    } finally {
      await previews.close();
    }
    // close() (a detach) keeps the topic.
    expect(await kit.admin.listTopics()).toContain(topic);
  });

  it('finish reads what the run wrote last before it returns, then deletes the topic; a replaced run leaves it', async () => {
    const topic = uniq('riffle-preview-f');
    const previews = new FlinkPreviews(plan(topic, 5), await preparePreviewTopics(plan(topic, 5)), { isCurrent: () => true });
    await kit.produce(topic, rows(0, 500));
    await previews.finish();
    expect(ids(previews.records('peek'))).toEqual([495, 496, 497, 498, 499]);
    expect(await kit.admin.listTopics()).not.toContain(topic);

    const other = uniq('riffle-preview-r');
    const replaced = new FlinkPreviews(plan(other, 5), await preparePreviewTopics(plan(other, 5)), { isCurrent: () => false });
    await replaced.finish();
    expect(await kit.admin.listTopics()).toContain(other);
  });
});
