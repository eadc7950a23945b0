import { RiffleError, type KafkaPreviewRecord } from '@riffle/shared';
import type { KafkaAdmin, KafkaClient, PartitionReader } from './client.js';
import { displayBytes } from './dead-letter-topic.js';
import { createKafkaClient } from './index.js';

/** Most records a preview returns, whatever is asked. */
export const MAX_PREVIEW_RECORDS = 50;
/** Characters of a previewed key or value kept; the rest is cut (the inspector shows a glimpse). */
const MAX_SHOWN_CHARS = 4096;
const DEFAULT_TIMEOUT_MS = 5000;

/** A `host:port` list entry: a DNS name, IPv4 or bracketed IPv6 address, and a port 1–65535. */
const BROKER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

export interface InspectOptions {
  /** The whole call's budget, connecting included (default 5 000 ms). */
  timeoutMs?: number;
}

/** One record of {@link previewKafkaTopic} (the REST answer's shape, from shared). */
export type PreviewedRecord = KafkaPreviewRecord;

/**
 * Checks a broker list as a user typed it (`host:port`, comma-separated or an array); throws a
 * `user` {@link RiffleError} `invalid_brokers` naming the bad entry.
 */
export function parseBrokers(input: string | readonly string[]): string[] {
  const list = (typeof input === 'string' ? input.split(',') : [...input]).map((b) => b.trim()).filter((b) => b !== '');
  if (list.length === 0 || list.length > 20) throw invalidBrokers('give 1 to 20 brokers as host:port, comma-separated');
  for (const b of list) {
    const m = BROKER.exec(b);
    const port = m === null ? 0 : Number(m[1]);
    if (port < 1 || port > 65_535) throw invalidBrokers(`"${b.slice(0, 100)}" is not host:port (e.g. localhost:9092)`);
  }
  return list;
}

/**
 * The topics of a Kafka cluster, sorted, internal ones left out; for the inspector's topic
 * picker. Fails within `timeoutMs` with `kafka_unreachable` when the brokers do not answer.
 * @example
 * const topics = await listKafkaTopics(['localhost:9092']);
 */
export async function listKafkaTopics(brokers: readonly string[], opts: InspectOptions = {}): Promise<string[]> {
  return withClient(brokers, opts, async (client, track) => {
    const admin = track(await client.admin());
    return admin.topics();
  });
}

/**
 * The newest records of a topic (read_committed, at most `limit` ≤ 50, newest last), read
 * without a consumer group, so nothing is committed and no group appears on the cluster.
 * Bounded in time and count: it stops at `timeoutMs` with what it has.
 * @example
 * const records = await previewKafkaTopic(['localhost:9092'], 'clickstream', { limit: 10 });
 */
export async function previewKafkaTopic(brokers: readonly string[], topic: string, opts: InspectOptions & { limit?: number } = {}): Promise<PreviewedRecord[]> {
  const limit = Math.max(1, Math.min(MAX_PREVIEW_RECORDS, Math.floor(opts.limit ?? 10)));
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return withClient(brokers, opts, async (client, track) => {
    const admin = track(await client.admin());
    let offsets;
    try {
      offsets = await admin.offsets(topic);
    } catch (e) {
      throw new RiffleError({ code: 'kafka_topic_unavailable', domain: 'user', retryable: true, message: `cannot read topic "${topic}": ${(e as Error).message}`, cause: e });
    }
    // The last `limit` offsets of each partition hold the newest `limit` records of the topic.
    const positions = new Map(offsets.filter((o) => o.high > o.low).map((o) => [o.partition, Math.max(o.low, o.high - limit)]));
    const ends = new Map(offsets.map((o) => [o.partition, o.high]));
    const got: PreviewedRecord[] = [];
    if (positions.size === 0) return got;
    const reader = track(await client.reader(topic));
    while (positions.size > 0 && Date.now() < deadline) {
      for (const f of await reader.fetch(positions, 100)) {
        for (const r of f.records) got.push(previewed(f.partition, r));
        // The last stable offset: an open transaction ends what read_committed may show.
        if (f.nextOffset >= Math.min(ends.get(f.partition)!, f.endOffset)) positions.delete(f.partition);
        else positions.set(f.partition, f.nextOffset);
      }
    }
    return got.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset).slice(-limit);
  });
}

/**
 * The log end of each partition of `topic` (the high watermark: the offset the next record gets,
 * records of open transactions included), for consumer lag read from outside a job (e.g. a Flink
 * run's, whose positions Flink reports). Bounded in time like the other inspections:
 * `kafka_unreachable` when the brokers do not answer.
 * @example
 * const ends = await kafkaEndOffsets(['localhost:9092'], 'clicks'); // Map { 0 => 1200, 1 => 1187 }
 */
export async function kafkaEndOffsets(brokers: readonly string[], topic: string, opts: InspectOptions = {}): Promise<Map<number, number>> {
  return withClient(brokers, opts, async (client, track) => {
    const admin = track(await client.admin());
    return new Map((await admin.offsets(topic)).map((o) => [o.partition, o.high]));
  });
}

function previewed(partition: number, r: { offset: number; timestamp: number; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | undefined> }): PreviewedRecord {
  let truncated = false;
  const cut = (b: Buffer | null) => {
    const shown = displayBytes(b);
    if (typeof shown === 'string' && shown.length > MAX_SHOWN_CHARS) {
      truncated = true;
      return shown.slice(0, MAX_SHOWN_CHARS);
    }
    if (shown !== null && typeof shown === 'object' && shown.base64.length > MAX_SHOWN_CHARS) {
      truncated = true;
      return { base64: shown.base64.slice(0, MAX_SHOWN_CHARS) };
    }
    return shown;
  };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = v.toString('utf8').slice(0, 256);
  const out: PreviewedRecord = { partition, offset: r.offset, timestamp: r.timestamp, key: cut(r.key), value: cut(r.value), headers };
  if (truncated) out.truncated = true;
  return out;
}

type Closable = KafkaAdmin | PartitionReader;

/** Runs `work` with a fail-fast client, within the time budget; closes whatever it opened (also used by `topic-admin.ts`). */
export async function withClient<T>(brokers: readonly string[], opts: InspectOptions, work: (client: KafkaClient, track: <C extends Closable>(c: C) => C) => Promise<T>): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const list = parseBrokers(brokers);
  const client = createKafkaClient({ brokers: list, clientId: 'riffle-inspector', connectionTimeoutMs: Math.min(3000, timeoutMs), retries: 1 });
  const opened: Closable[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unreachable(list, `no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      work(client, (c) => {
        opened.push(c);
        return c;
      }).catch((e: unknown) => {
        if (e instanceof RiffleError) throw e;
        throw unreachable(list, (e as Error).message, e);
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    // Not awaited past the answer: a connection still retrying closes on its own.
    await Promise.race([Promise.all(opened.map((c) => c.close().catch(() => {}))), new Promise((r) => setTimeout(r, 1000))]);
  }
}

function unreachable(brokers: string[], why: string, cause?: unknown): RiffleError {
  return new RiffleError({ code: 'kafka_unreachable', domain: 'external', retryable: true, message: `Kafka at ${brokers.join(',')} did not answer: ${why}; check the brokers and that the cluster is up`, cause });
}

function invalidBrokers(why: string): RiffleError {
  return new RiffleError({ code: 'invalid_brokers', domain: 'user', retryable: false, message: `brokers: ${why}` });
}
