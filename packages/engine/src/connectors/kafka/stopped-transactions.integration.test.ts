// What a stopped (not ended) exactly-once Kafka sink leaves on the broker, and how the next run
// settles it (sink-kafka.ts, class TSDoc): the open transaction (records after the last barrier)
// is aborted at stop; a transaction sealed by a checkpoint that had not completed stays open,
// because the sink cannot know whether that checkpoint completes. The restore commits it when its
// checkpoint is the one restored, and aborts it otherwise. Real broker, the sink's own writer.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { KafkaKit, uniq, values } from '../../../test/kafka-kit.js';
import { kafkajsClient } from './kafkajs-client.js';
import { TransactionalWriter, type KafkaSinkSnapshot } from './transactional-writer.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

async function writer(prefix: string, topic: string, restored: KafkaSinkSnapshot[]): Promise<TransactionalWriter> {
  const txns = await kafkajsClient({ brokers, clientId: 'stopped-it' }).transactions({ transactionTimeoutMs: 60_000, topic });
  const w = new TransactionalWriter(txns, prefix, 0, 1, (e) => {
    throw e;
  });
  await w.recover(restored);
  return w;
}

const send = async (w: TransactionalWriter, topic: string, from: number, n: number) =>
  (await w.target()).send(topic, Array.from({ length: n }, (_, i) => ({ key: null, value: `r${from + i}` })));

/**
 * A run that stops like the sink does: 5 records sealed by checkpoint 2 (never notified), 3 more
 * in the open transaction, then `abortOpen` and close. Returns the snapshot of checkpoint 1
 * (before the seal) and of checkpoint 2 (listing the sealed transaction).
 */
async function stoppedRun(prefix: string, topic: string): Promise<{ before: KafkaSinkSnapshot; sealedBy: KafkaSinkSnapshot }> {
  const w = await writer(prefix, topic, []);
  const before = w.snapshot();
  await send(w, topic, 0, 5);
  w.seal(2, Promise.resolve());
  await w.sealOnChain();
  const sealedBy = w.snapshot();
  await send(w, topic, 5, 3);
  await w.abortOpen();
  await w.close();
  return { before, sealedBy };
}

describe('an exactly-once sink stopped with a checkpoint in flight', () => {
  it('leaves the sealed transaction open; restoring its checkpoint commits it, exactly once', async () => {
    const topic = await kit.createTopic(1);
    const prefix = uniq('stopped');
    const { sealedBy } = await stoppedRun(prefix, topic);
    expect(sealedBy.pending).toHaveLength(1);
    // All 8 records are in the log; the sealed transaction holds read_committed back.
    expect(await kit.readAll(topic, { readUncommitted: true, expect: 8 })).toHaveLength(8);
    expect(await kit.readAll(topic)).toEqual([]);

    const next = await writer(prefix, topic, [sealedBy]);
    await next.abortOpen();
    await next.close();
    expect(values(await kit.readAll(topic, { expect: 5 }))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('restoring the checkpoint before it aborts it, and read_committed consumers move on', async () => {
    const topic = await kit.createTopic(1);
    const prefix = uniq('stopped');
    const { before } = await stoppedRun(prefix, topic);
    expect(before.pending).toEqual([]);

    const next = await writer(prefix, topic, [before]);
    await send(next, topic, 100, 2);
    await next.commitAll(true);
    await next.close();
    // Only the new run's records: the stopped run's sealed transaction was aborted, not left
    // blocking the partition (its records stay in the log, aborted).
    expect(values(await kit.readAll(topic, { expect: 2 }))).toEqual(['r100', 'r101']);
    expect(await kit.readAll(topic, { readUncommitted: true, expect: 10 })).toHaveLength(10);
  });
});
