// T18 on the Kafka connectors, against the real broker: the source's `timestamp` expression and
// the sink's `key` expression follow their node's onError policy; a `fail` names the expression,
// the node and the Kafka record (topic, partition, offset) it failed on.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { KafkaKit, nodeMetrics, uniq } from '../../../test/kafka-kit.js';
import { Engine } from '../../engine.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const RECORDS = [
  { id: 0, ts: 1000, k: 'a' },
  { id: 1, ts: 'bad', k: 'b' }, // timestamp is not a number
  { id: 2, ts: 2000 }, // no k: the sink's key expression fails
  { id: 3, ts: 3000, k: 'c' },
];

async function inputTopic(): Promise<string> {
  const topic = await kit.createTopic(1);
  await kit.produce(topic, RECORDS.map((r) => ({ value: JSON.stringify(r) })));
  return topic;
}

function spec(input: string, output: string, sourcePolicy: string, sinkPolicy: string) {
  return {
    specVersion: 1,
    name: uniq('t18-kafka'),
    nodes: [
      { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, bounded: true, timestamp: 'ts', onError: sourcePolicy } },
      { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, key: "'k-' + k", onError: sinkPolicy } },
    ],
    edges: [{ from: 'in', to: 'out' }],
  };
}

/** Runs the job on a fresh input topic and expects it to fail; returns the topic and the error. */
async function failure(sourcePolicy: string, sinkPolicy: string) {
  const input = await inputTopic();
  const job = await Engine.start(spec(input, await kit.createTopic(1), sourcePolicy, sinkPolicy));
  const result = await job.done;
  expect(result.status).toBe('failed');
  return { input, error: result.error! };
}

describe('onError on the Kafka source timestamp and sink key (T18)', () => {
  it('skip drops and counts the records on both nodes; the rest arrive with their keys', async () => {
    const input = await inputTopic();
    const output = await kit.createTopic(1);
    const job = await Engine.start(spec(input, output, 'skip', 'skip'));
    const result = await job.done;
    expect(result.status).toBe('finished');
    expect(nodeMetrics(job, 'in')).toMatchObject({ recordsOut: 3, deadLettered: 0, skippedRecords: 1 });
    expect(nodeMetrics(job, 'out')).toMatchObject({ recordsIn: 3, deadLettered: 0, skippedRecords: 1 });
    expect(job.deadLetters()).toEqual([]);
    const got = await kit.readAll(output, { expect: 2, timeoutMs: 30_000 });
    expect(got.map((m) => [m.key?.toString(), (JSON.parse(m.value!.toString()) as { id: number }).id])).toEqual([
      ['k-a', 0],
      ['k-c', 3],
    ]);
  }, 120_000);

  it('dlq dead-letters them (the source with the Kafka position)', async () => {
    const input = await inputTopic();
    const output = await kit.createTopic(1);
    const job = await Engine.start(spec(input, output, 'dlq', 'dlq'));
    expect((await job.done).status).toBe('finished');
    const letters = job.deadLetters();
    expect(letters.map((d) => d.nodeId)).toEqual(['in', 'out']);
    expect(letters[0]!.error).toContain(`${input}/0@1`);
    expect(letters[1]!.error).toMatch(/^key: /);
    expect((letters[1]!.record as { id: number }).id).toBe(2);
  }, 120_000);

  it('fail on the source timestamp names the expression, the source and the Kafka record', async () => {
    const { input, error } = await failure('fail', 'dlq');
    expect(error).toMatchObject({ code: 'expression_failed', domain: 'user', retryable: false, nodeId: 'in' });
    expect(error.message).toContain('expression `timestamp = ts` of node "in"');
    expect(error.message).toContain(`failed on Kafka record ${input}/0@1 (topic "${input}", partition 0, offset 1)`);
    expect(error.message).toContain('"ts":"bad"');
  }, 120_000);

  it('fail on the sink key names the expression, the sink and the Kafka record it came from', async () => {
    const { input, error } = await failure('skip', 'fail');
    expect(error).toMatchObject({ code: 'expression_failed', nodeId: 'out' });
    expect(error.message).toContain("expression `key = 'k-' + k` of node \"out\"");
    // The sink is chained to the source, which knows where the record was read.
    expect(error.message).toContain(`failed on Kafka record ${input}/0@2 `);
    expect(error.message).toContain('"id":2');
  }, 120_000);
});
