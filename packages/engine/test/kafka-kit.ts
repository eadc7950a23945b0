// Helpers shared by the Kafka connector integration suites (test-only; not exported by the engine).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import { afterAll, beforeAll, onTestFailed } from 'vitest';
import { startKafka, type KafkaBroker, type StartKafkaOptions } from '../../../scripts/kafka/broker.mjs';
import type { JobHandle } from '../src/api.js';
import { SnapshotStorage } from '../src/checkpoint/snapshot-storage.js';
import { kafkajsClient } from '../src/connectors/kafka/kafkajs-client.js';
import { waitFor } from './helpers.js';

/** Polls until a condition holds (the engine tests' one helper for it; kept importable from here). */
export { waitFor };

export const uniq = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

export interface ReadMessage {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** The producer of the record's batch (read_uncommitted reads only; for diagnostics). */
  producerId?: string;
}

export class KafkaKit {
  readonly kafka: Kafka;
  readonly admin: Admin;

  constructor(readonly brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'riffle-connectors-it', brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  async createTopic(partitions: number, config: Record<string, string> = {}, topic = uniq('t')): Promise<string> {
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
    });
    // kafkajs' waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION while a just-started broker
    // catches up (seen on a loaded machine): poll the metadata instead.
    for (let attempt = 1; ; attempt++) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        if (meta.topics[0]!.partitions.length === partitions && meta.topics[0]!.partitions.every((p) => p.leader >= 0)) return topic;
      } catch (e) {
        if (attempt >= 100) throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Grows a topic to `count` partitions. */
  async addPartitions(topic: string, count: number): Promise<void> {
    await this.admin.createPartitions({ topicPartitions: [{ topic, count }] });
  }

  /** Produces to explicit partitions (round-robin when not given). */
  async produce(topic: string, messages: Message[]): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // A topic just created may not be served yet (UNKNOWN_TOPIC_OR_PARTITION beyond kafkajs' retries on a loaded machine).
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, acks: -1, messages });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await producer.disconnect();
  }

  /**
   * Reads a topic from the beginning (read_committed by default) until `expect` messages came
   * and 500 ms passed without more (so duplicates would show), or, without `expect`, until
   * nothing arrived for 1.5 s after joining.
   */
  async readAll(topic: string, { readUncommitted = false, expect, timeoutMs = 20_000 }: { readUncommitted?: boolean; expect?: number; timeoutMs?: number } = {}): Promise<ReadMessage[]> {
    if (!readUncommitted) return this.readCommitted(topic, expect, timeoutMs);
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
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(timer);
          fail(new Error(`reading ${topic}: ${out.length} messages${expect === undefined ? '' : ` of ${expect}`} after ${timeoutMs / 1000} s`));
        }
      }, 50);
      void consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const producerId = (m as { batchContext?: { producerId?: string } }).batchContext?.producerId;
              out.push({ partition: batch.partition, offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers ?? {}, ...(producerId === undefined ? {} : { producerId: String(producerId) }) });
            }
            last = Date.now();
          },
        })
        .catch(fail);
    });
    await consumer.disconnect();
    return out;
  }

  /**
   * read_committed through Riffle's own partition reader: kafkajs' consumer shows records of
   * interleaved aborted transactions as committed (see decodeBatch in kafkajs-internals.ts).
   */
  private async readCommitted(topic: string, expect: number | undefined, timeoutMs: number): Promise<ReadMessage[]> {
    const client = kafkajsClient({ brokers: this.brokers, clientId: 'riffle-it-reader' });
    const admin = await client.admin();
    const reader = await client.reader(topic);
    const positions = new Map((await admin.partitions(topic)).map((p) => [p, 0]));
    const out: ReadMessage[] = [];
    const started = Date.now();
    let last = started;
    try {
      for (;;) {
        for (const f of await reader.fetch(positions, 100)) {
          for (const r of f.records) out.push({ partition: f.partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers as IHeaders });
          if (f.records.length > 0) last = Date.now();
          positions.set(f.partition, f.nextOffset);
        }
        const quiet = Date.now() - last;
        if (expect === undefined ? quiet > 1500 : out.length >= expect && quiet > 500) return out;
        if (Date.now() - started > timeoutMs) throw new Error(`reading ${topic}: ${out.length} messages${expect === undefined ? '' : ` of ${expect}`} after ${timeoutMs / 1000} s`);
      }
    } finally {
      await Promise.all([reader.close(), admin.close()]);
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}

/** Polls `probe` until it returns a value; on timeout the error includes the job's state. */
export function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, job?: JobHandle): Promise<T> {
  return waitFor(what, probe, timeoutMs, job === undefined ? undefined : () => `; job ${job.status} ${JSON.stringify(job.error ?? job.metrics().operators)}`);
}

export function nodeMetrics(job: JobHandle, nodeId: string) {
  return job.metrics().operators.find((o) => o.nodeId === nodeId)!;
}

export const values = (ms: ReadMessage[]): string[] => ms.map((m) => m.value!.toString()).sort();

/** The built engine, which the child processes of crash tests import (`npm run build` first). */
export const ENGINE_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * A child process runs the job with checkpoints and prints `completed <chk-n>` for each completed
 * checkpoint, then `done <status> <error JSON>`. Crash tests kill it with SIGKILL, or let
 * `RIFFLE_FAULT` abort it (TEST-PLAN harness).
 */
const CHILD = `
const { Engine } = await import(process.env.ENGINE_ENTRY);
const opts = { checkpointDir: process.env.DIR, jobId: process.env.JOB_ID, execution: process.env.EXECUTION };
if (process.env.RESTORE) opts.restoreFrom = process.env.RESTORE;
const job = await Engine.start(JSON.parse(process.env.SPEC), opts);
const told = new Set();
const timer = setInterval(() => {
  for (const c of job.checkpoints?.() ?? []) {
    if (c.status === 'in_progress' || told.has(c.id)) continue;
    told.add(c.id);
    console.log(c.status === 'completed' ? 'completed ' + c.snapshotId : 'failed ' + c.id + ' ' + (c.error ?? ''));
  }
}, 5);
const result = await job.done;
clearInterval(timer);
console.log('done ' + result.status + ' ' + JSON.stringify(result.error ?? null));
`;

let childScript: string | undefined;

export interface ChildJob {
  readonly lines: string[];
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Completed checkpoints printed so far. */
  completed(): number;
  kill(): void;
  /** The `done` line's status and error, once the job ended. */
  result(): { status: string; error: { code: string; message: string } | null } | undefined;
}

export function runChild(o: { spec: unknown; dir: string; jobId: string; restoreFrom?: string; fault?: string; execution?: 'in-process' | 'threads' }): ChildJob {
  const env: NodeJS.ProcessEnv = { ...process.env, ENGINE_ENTRY, SPEC: JSON.stringify(o.spec), DIR: o.dir, JOB_ID: o.jobId, EXECUTION: o.execution ?? 'in-process' };
  delete env.RIFFLE_FAULT;
  if (o.restoreFrom !== undefined) env.RESTORE = o.restoreFrom;
  if (o.fault !== undefined) env.RIFFLE_FAULT = o.fault;
  // A script file rather than `-e`: worker threads inherit execArgv, and `--input-type` breaks them.
  childScript ??= join(mkdtempSync(join(tmpdir(), 'riffle-child-')), 'run-job.mjs');
  if (!existsSync(childScript)) writeFileSync(childScript, CHILD);
  const proc = spawn(process.execPath, [childScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const errors: string[] = [];
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')));
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => errors.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL' && errors.length > 0) process.stderr.write(`child job stderr:\n${errors.join('')}\n`);
      resolve({ code, signal });
    }),
  );
  return {
    lines,
    exited,
    completed: () => lines.filter((l) => l.startsWith('completed ')).length,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
    result: () => {
      const l = lines.find((x) => x.startsWith('done '));
      if (l === undefined) return undefined;
      const [, status, ...rest] = l.split(' ');
      return { status: status!, error: JSON.parse(rest.join(' ')) };
    },
  };
}

/** The newest checkpoint with valid `_metadata` (what a restart restores), or undefined. */
export async function latestCheckpoint(dir: string, jobId: string): Promise<string | undefined> {
  return (await new SnapshotStorage(dir, jobId).loadLatestCheckpoint((skipped) => console.log(`checkpoint ${skipped.id} skipped: ${JSON.stringify(skipped)}`)))?.id;
}

/**
 * A broker of the calling test file's own, for faults that would break the shared broker's other
 * suites (stopping or freezing it), with a kit on it; started before the file's tests, stopped
 * after them. When a test of the file failed its folder (server.out, data) is kept and printed.
 */
export function ownBroker(options: StartKafkaOptions = {}): { readonly broker: KafkaBroker; readonly kit: KafkaKit; keepOnFailure(): void } {
  let broker: KafkaBroker | undefined;
  let kit: KafkaKit | undefined;
  let failed = false;
  beforeAll(async () => {
    broker = await startKafka({ quiet: true, ...options });
    kit = new KafkaKit(broker.brokers);
    await kit.admin.connect();
  }, 120_000);
  afterAll(async () => {
    await kit?.close().catch(() => {});
    await broker?.stop({ keepData: failed });
    if (failed) console.log(`the test broker's folder is kept for inspection: ${broker?.workDir}`);
  });
  return {
    get broker() {
      return broker!;
    },
    get kit() {
      return kit!;
    },
    /** Call at the start of a test: if it fails, the broker's folder is kept. */
    keepOnFailure: () => onTestFailed(() => void (failed = true)),
  };
}
