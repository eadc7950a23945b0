import type { KafkaPreviewRecord } from '@riffle/shared';
import { request, serverMessage, UNREACHABLE } from './http';

export type KafkaAnswer<T> = { ok: true; value: T } | { ok: false; message: string };

const query = (brokers: readonly string[]) => `brokers=${encodeURIComponent(brokers.join(','))}`;

/** The topics of the cluster at `brokers` (the server asks it; internal topics left out). */
export function listTopics(brokers: readonly string[]): Promise<KafkaAnswer<string[]>> {
  return get(`/api/kafka/topics?${query(brokers)}`, (b) => (b as { topics: string[] }).topics);
}

/** The newest `limit` records of a topic, newest last; nothing is committed on the cluster. */
export function previewTopic(brokers: readonly string[], topic: string, limit = 10): Promise<KafkaAnswer<KafkaPreviewRecord[]>> {
  return get(`/api/kafka/topics/${encodeURIComponent(topic)}/preview?${query(brokers)}&limit=${limit}`, (b) => (b as { records: KafkaPreviewRecord[] }).records);
}

async function get<T>(path: string, pick: (body: unknown) => T): Promise<KafkaAnswer<T>> {
  const a = await request('GET', path);
  if (a === undefined) return { ok: false, message: UNREACHABLE };
  if (!a.res.ok) return { ok: false, message: serverMessage(a) ?? `the server answered ${a.res.status}` };
  return { ok: true, value: pick(a.body) };
}
