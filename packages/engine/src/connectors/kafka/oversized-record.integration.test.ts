// T20, sink part, against the broker's own limit: a record above `message.max.bytes` (the output
// topic has no override, so the broker default of about 1 MB applies) reaching sink.kafka in a job
// with checkpoints goes to the dead-letter output; every other record is committed once, and no
// transaction is left open (a read_committed reader would stop at it: the last stable offset).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { tempDir } from '../../../test/helpers.js';
import { KafkaKit, nodeMetrics, uniq, until } from '../../../test/kafka-kit.js';
import { Engine } from '../../engine.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const SMALL = 40;

describe('sink record above the broker message.max.bytes, with checkpoints (T20)', () => {
  it.each(['exactly-once', 'at-least-once'])('%s: dead-lettered, the rest committed once, no open transaction', async (delivery) => {
    // The input topic takes the big record; the output topic keeps the broker's limit.
    const input = await kit.createTopic(1, { 'max.message.bytes': String(4 * 1024 * 1024) });
    const output = await kit.createTopic(1);
    const outputConfig = await kit.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: output, configNames: ['max.message.bytes'] }] });
    const limit = Number(outputConfig.resources[0]!.configEntries[0]!.configValue);
    expect(limit).toBeLessThan(1_200_000); // the broker default (1 MB + 12), not a topic override
    const small = Array.from({ length: SMALL }, (_, id) => ({ value: JSON.stringify({ id, s: 'x'.repeat(200) }) }));
    const big = { value: JSON.stringify({ id: -1, s: 'y'.repeat(limit + 1000) }) };
    await kit.produce(input, [...small.slice(0, SMALL / 2), big, ...small.slice(SMALL / 2)]);

    const spec = {
      specVersion: 1,
      name: 'oversized',
      config: { parallelism: 1, checkpoints: { intervalMs: 200, mode: 'exactly-once' } },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, fields: [{ name: 'id', type: 'int' }, { name: 's', type: 'string' }] } },
        { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, delivery } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    };
    const job = await Engine.start(spec, { checkpointDir: await tempDir(), jobId: uniq('t20') });
    try {
      await until('the big record dead-lettered', () => nodeMetrics(job, 'out').deadLettered === 1, 60_000, job);
      expect(job.deadLetters()[0]!.error).toContain('max.message.bytes');
      // Committed by a checkpoint while the job runs: nothing is held back behind an open transaction.
      const got = await kit.readAll(output, { expect: SMALL, timeoutMs: 60_000 });
      expect(got.map((m) => (JSON.parse(m.value!.toString()) as { id: number }).id).sort((a, b) => a - b)).toEqual(small.map((_, id) => id));
      expect(job.status).toBe('running');
      expect(job.metrics().deadLetters).toBe(1);
    } finally {
      await job.stop();
    }
    // No transaction holds the partition after stop: a record written after it is visible to
    // read_committed (an open transaction before it would hide it: the last stable offset).
    await kit.produce(output, [{ value: JSON.stringify({ id: 'marker' }) }]);
    const after = await kit.readAll(output, { expect: SMALL + 1, timeoutMs: 30_000 });
    expect(after.map((m) => (JSON.parse(m.value!.toString()) as { id: unknown }).id)).toContain('marker');
    expect(after).toHaveLength(SMALL + 1);
  }, 180_000);
});
