// Riffle's read_committed reader skips every aborted record, also when two aborted transactions
// interleave in one partition and the one that began first aborts last (what a crash of a job
// with two transactional sink subtasks leaves), and when a fetch starts past the first records of
// both (a restored source, or a consumer that caught up in between: T7 showed duplicates this
// way). kafkajs' own filter shows such records; see decodeBatch in kafkajs-internals.ts.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { KafkaKit, uniq } from '../../../test/kafka-kit.js';
import { kafkajsClient } from './kafkajs-client.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

describe('read_committed with interleaved aborted transactions', () => {
  it('skips both aborted transactions and returns the committed records only', async () => {
    const topic = await kit.createTopic(1);
    const producer = (id: string) => kit.kafka.producer({ transactionalId: uniq(id), idempotent: true, maxInFlightRequests: 1 });
    const a = producer('a');
    const b = producer('b');
    await Promise.all([a.connect(), b.connect()]);
    const ta = await a.transaction();
    const tb = await b.transaction();
    const send = (t: typeof ta, v: string) => t.send({ topic, acks: -1, messages: [{ value: v }] });
    await send(ta, 'a1');
    await send(tb, 'b1');
    await send(ta, 'a2');
    await send(tb, 'b2');
    // B aborts before A: the broker lists B's abort first, though A began first.
    await tb.abort();
    await send(ta, 'a3');
    await ta.abort();
    await kit.produce(topic, [{ value: 'committed' }]);

    const client = kafkajsClient({ brokers, clientId: 'riffle-it-aborted' });
    const reader = await client.reader(topic);
    /** What read_committed returns from `start` on, up to the committed record. */
    const readFrom = async (start: number) => {
      const seen: string[] = [];
      let position = start;
      for (let round = 0; round < 50 && !seen.includes('committed'); round++) {
        for (const f of await reader.fetch(new Map([[0, position]]), 100)) {
          seen.push(...f.records.map((r) => r.value!.toString()));
          position = f.nextOffset;
        }
      }
      return seen;
    };
    try {
      // Offsets: a1 0, b1 1, a2 2, b2 3, B's abort marker 4, a3 5, A's abort marker 6, committed 7.
      // Starting at 2, 3 or 5 the fetch begins past both transactions' first records.
      for (const start of [0, 1, 2, 3, 4, 5, 6]) expect(await readFrom(start), `fetching from offset ${start}`).toEqual(['committed']);
    } finally {
      await reader.close();
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
  });
});
