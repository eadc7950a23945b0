// The test broker's own restart and crash (scripts/kafka/broker.mjs), which the broker-outage
// tests (T5-T8) rely on. A broker of its own, so the shared one stays up for the other suites.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '../../../../../scripts/kafka/broker.mjs';

let broker: KafkaBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startKafka();
  kafka = new Kafka({ clientId: 'riffle-it-restart', brokers: broker.brokers, logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.stop();
});

async function readAll(topic: string, n: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `g-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`read ${values.length}/${n} of ${topic}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (values.length >= n) { clearTimeout(timer); ok(); }
      },
    }).catch(fail);
  });
  await consumer.disconnect();
  return values;
}

describe('test broker restart and crash', () => {
  it('keeps its port and data across a clean restart and a SIGKILL crash; clients reconnect', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: [{ value: 'before-restart' }] });

    const pid = broker.pid;
    const ms = await broker.restart({ downMs: 200 });
    expect(broker.pid).not.toBe(pid);
    expect(ms).toBeLessThan(60_000);
    // The same producer object goes on after the outage (kafkajs reconnects on the next send).
    await producer.send({ topic: 'durable', acks: -1, messages: [{ value: 'after-restart' }] });
    await producer.disconnect();
    expect(await readAll('durable', 2)).toEqual(['before-restart', 'after-restart']);

    await broker.kill(); // crash: no controlled shutdown, log recovery on the next start
    await broker.restart();
    expect(await readAll('durable', 2)).toEqual(['before-restart', 'after-restart']);
  });
});
