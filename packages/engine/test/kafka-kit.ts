// Helpers shared by the Kafka connector integration suites (test-only; not exported by the engine).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import type { JobHandle } from '../src/api.js';

export const uniq = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

export interface ReadMessage {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

export class KafkaKit {
  readonly kafka: Kafka;
  readonly admin: Admin;

  constructor(readonly brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'riffle-connectors-it', brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  async createTopic(partitions: number, config: Record<string, string> = {}): Promise<string> {
    const topic = uniq('t');
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
    });
    return topic;
  }

  /** Produces to explicit partitions (round-robin when not given). */
  async produce(topic: string, messages: Message[]): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  }

  /**
   * Reads a topic from the beginning (read_committed by default) until `expect` messages came
   * and 500 ms passed without more (so duplicates would show), or, without `expect`, until
   * nothing arrived for 1.5 s after joining.
   */
  async readAll(topic: string, { readUncommitted = false, expect }: { readUncommitted?: boolean; expect?: number } = {}): Promise<ReadMessage[]> {
    const consumer = this.kafka.consumer({ groupId: uniq('reader'), readUncommitted, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const out: ReadMessage[] = [];
    let last = Infinity;
    consumer.on(consumer.events.GROUP_JOIN, () => (last = Date.now()));
    await new Promise<void>((ok, fail) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const quiet = Date.now() - last;
        const done = expect === undefined ? quiet > 1500 : out.length >= expect && quiet > 500;
        if (done) {
          clearInterval(timer);
          ok();
        } else if (Date.now() - started > 20_000) {
          clearInterval(timer);
          fail(new Error(`reading ${topic}: ${out.length} messages${expect === undefined ? '' : ` of ${expect}`} after 20 s`));
        }
      }, 50);
      void consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              out.push({ partition: batch.partition, offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers ?? {} });
            }
            last = Date.now();
          },
        })
        .catch(fail);
    });
    await consumer.disconnect();
    return out;
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}

/** Polls `probe` until it returns a value; on timeout the error includes the job's state. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, job?: JobHandle): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      const state = job === undefined ? '' : `; job ${job.status} ${JSON.stringify(job.error ?? job.metrics().operators)}`;
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function nodeMetrics(job: JobHandle, nodeId: string) {
  return job.metrics().operators.find((o) => o.nodeId === nodeId)!;
}

export const values = (ms: ReadMessage[]): string[] => ms.map((m) => m.value!.toString()).sort();
