// Kafka → filter → Kafka with 1 KB JSON records: Riffle (source.kafka → filter → sink.kafka
// at-least-once, parallelism 1) against a bare kafkajs consumer + producer loop doing the same
// work (parse, filter, serialize, send with acks=all), in the same run on the same broker. The
// ratio is Riffle's overhead over the client itself. Called by run.js; by hand:
//   node packages/engine/bench/kafka.js            (starts the repo's test broker)
//   BENCH_KAFKA_BROKERS=host:port node …/kafka.js  (an existing broker)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/index.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const EVENTS = Number(process.env.BENCH_KAFKA_EVENTS ?? 50_000);
const PAD = 'x'.repeat(940); // with the other fields, about 1 KB of JSON per record
/** Records per send: 500 KB, below the broker's 1 MB request limit per partition batch. */
const SEND_BATCH = 500;

/** One run of both; undefined (with a line saying why) when no broker can be had. */
export async function kafkaBench() {
  let broker;
  let brokers = process.env.BENCH_KAFKA_BROKERS?.split(',');
  if (brokers === undefined) {
    try {
      const { startKafka } = await import('../../../scripts/kafka/broker.mjs');
      broker = await startKafka({ quiet: true });
      brokers = broker.brokers;
    } catch (e) {
      console.log(`kafka bench skipped: no broker (${e.message.split('\n')[0]})`);
      return undefined;
    }
  }
  try {
    return await runBoth(brokers);
  } finally {
    await broker?.stop();
  }
}

async function runBoth(brokers) {
  const kafka = new Kafka({ clientId: 'riffle-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const stamp = Date.now();
  const input = `bench-in-${stamp}`;
  const outRiffle = `bench-out-riffle-${stamp}`;
  const outBare = `bench-out-bare-${stamp}`;
  await admin.createTopics({ waitForLeaders: true, topics: [input, outRiffle, outBare].map((topic) => ({ topic, numPartitions: 1 })) });
  await fill(kafka, input);
  const expected = Math.ceil(EVENTS / 2); // kind == 'click' for even ids

  const riffle = await timed(() => riffleRun(brokers, input, outRiffle));
  const bare = await timed(() => bareRun(kafka, input, outBare));
  const written = { riffle: await count(admin, outRiffle), bare: await count(admin, outBare) };
  await admin.disconnect();
  for (const [who, n] of Object.entries(written)) if (n !== expected) throw new Error(`kafka bench: ${who} wrote ${n} records, expected ${expected}`);
  const result = {
    scenario: 'kafka → filter → kafka (1 KB JSON, at-least-once, p=1)',
    events: EVENTS,
    riffleEventsPerSec: Math.round(EVENTS / riffle),
    bareKafkajsEventsPerSec: Math.round(EVENTS / bare),
    ratio: Number((bare / riffle).toFixed(2)),
  };
  console.log(
    `${result.scenario}: Riffle ${result.riffleEventsPerSec.toLocaleString('en-US')} events/s, bare kafkajs loop ` +
      `${result.bareKafkajsEventsPerSec.toLocaleString('en-US')} events/s; Riffle/bare = ${result.ratio} (${EVENTS.toLocaleString('en-US')} events, ${expected.toLocaleString('en-US')} written by each)`,
  );
  return result;
}

async function fill(kafka, topic) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < EVENTS; i += SEND_BATCH) {
    const messages = [];
    for (let id = i; id < Math.min(EVENTS, i + SEND_BATCH); id++) messages.push({ value: JSON.stringify({ id, kind: id % 2 === 0 ? 'click' : 'view', price: id % 100, pad: PAD }) });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

async function riffleRun(brokers, input, output) {
  const job = await Engine.start({
    specVersion: 1,
    name: 'bench-kafka',
    config: { parallelism: 1 },
    nodes: [
      { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, bounded: true, fields: [{ name: 'id', type: 'int' }, { name: 'kind', type: 'string' }, { name: 'price', type: 'int' }, { name: 'pad', type: 'string' }] } },
      { id: 'clicks', kind: 'filter', params: { expr: "kind == 'click'" } },
      { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, delivery: 'at-least-once' } },
    ],
    edges: [{ from: 'in', to: 'clicks' }, { from: 'clicks', to: 'out' }],
  });
  const result = await job.done;
  if (result.status !== 'finished') throw new Error(`kafka bench: Riffle job ${result.status}: ${result.error?.message}`);
}

/** What a hand-written kafkajs pipeline does: consume a batch, parse, filter, serialize, send it. */
async function bareRun(kafka, input, output) {
  const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}`, maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: 2 * 1024 * 1024 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let seen = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const messages = [];
          for (const m of batch.messages) {
            const v = JSON.parse(m.value.toString());
            if (v.kind === 'click') messages.push({ key: null, value: JSON.stringify(v) });
          }
          for (let i = 0; i < messages.length; i += SEND_BATCH) await producer.send({ topic: output, acks: -1, messages: messages.slice(i, i + SEND_BATCH) });
          seen += batch.messages.length;
          if (seen >= EVENTS) resolve();
        },
      })
      .catch(reject);
  });
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function count(admin, topic) {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await kafkaBench();
