// A transaction Kafka recorded as committed while a partition still holds it open: what T7 caught.
// When an EndTxn reaches a single broker in controlled shutdown, its partitions have no leader and
// the coordinator skips their markers ("these partitions are likely deleted already") yet records
// the commit as complete; read_committed consumers of those partitions then wait for good. Here
// the same state is made on purpose: with partition verification off, a produce of the committed
// producer arrives after its commit (the "hanging transaction" of KIP-890). A restore that commits
// that transaction by its handle must leave the partition readable again.
import kafkajs from 'kafkajs';
import { expect, it } from 'vitest';
import { ownBroker, values } from '../../../test/kafka-kit.js';
import { kafkajsClient } from './kafkajs-client.js';
import { createCluster } from './kafkajs-internals.js';
import type { TransactionHandle } from './client.js';

const own = ownBroker({ properties: { 'transaction.partition.verification.enable': 'false' } });

/** A produce of the handle's producer to partition 0, outside any transaction the coordinator knows. */
async function lateProduce(topic: string, handle: TransactionHandle, firstSequence: number, value: string): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: own.broker.brokers, clientId: 'late-produce', logLevel: kafkajs.logLevel.NOTHING });
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const [nodeId] = Object.keys(cluster.findLeaderForPartitions(topic, [0]));
    const broker = (await cluster.findBroker({ nodeId: nodeId! })) as unknown as { produce(req: object): Promise<unknown> };
    await broker.produce({
      transactionalId: handle.transactionalId,
      producerId: handle.producerId,
      producerEpoch: handle.epoch,
      acks: -1,
      topicData: [{ topic, partitions: [{ partition: 0, firstSequence, messages: [{ key: null, value }] }] }],
    });
  } finally {
    await cluster.disconnect();
  }
}

it('a restore commits what a committed transaction still holds open on a partition', async () => {
  own.keepOnFailure();
  const { kit, broker } = own;
  const topic = await kit.createTopic(1);
  const client = kafkajsClient({ brokers: broker.brokers, clientId: 'hanging-it' });
  const first = await client.transactions({ transactionTimeoutMs: 60_000, topic });
  const txn = await first.begin('hanging-it-1');
  await txn.send(topic, [{ key: null, value: 'a' }, { key: null, value: 'b' }]);
  await txn.commit();
  // The commit's markers are written after EndTxn answers: the late produce must come after them.
  expect(values(await kit.readAll(topic, { expect: 2 }))).toEqual(['a', 'b']);
  await lateProduce(topic, txn.handle, 2, 'c');
  await first.close();
  // 'c' is an open transaction on the partition that the coordinator knows as committed.
  expect(values(await kit.readAll(topic, { readUncommitted: true, expect: 3 }))).toEqual(['a', 'b', 'c']);
  expect(values(await kit.readAll(topic))).toEqual(['a', 'b']);

  // The restored run commits the transaction by its stored handle, as sink.kafka does.
  const restored = await client.transactions({ transactionTimeoutMs: 60_000, topic });
  await restored.resumeCommit(txn.handle);
  const next = await restored.begin('hanging-it-2');
  await next.send(topic, [{ key: null, value: 'd' }]);
  await next.commit();
  await restored.close();
  expect(values(await kit.readAll(topic, { expect: 4 }))).toEqual(['a', 'b', 'c', 'd']);
}, 120_000);
