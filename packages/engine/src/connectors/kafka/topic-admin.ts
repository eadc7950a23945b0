import { withClient, type InspectOptions } from './inspect.js';

/**
 * Creates `topic` unless it exists (then it is left as it is); resolves once its partitions have
 * leaders, true when it was created. Fails within `timeoutMs` (default 5 000) with
 * `kafka_unreachable` when the brokers do not answer.
 * @example
 * await createKafkaTopic(['localhost:9092'], 'previews', { partitions: 1, configs: { 'retention.ms': '3600000' } });
 */
export async function createKafkaTopic(brokers: readonly string[], topic: string, o: { partitions: number; configs?: Record<string, string> }, opts: InspectOptions = {}): Promise<boolean> {
  return withClient(brokers, opts, async (client, track) => track(await client.admin()).createTopic(topic, o));
}

/**
 * Deletes those of `topics` that exist. Fails within `timeoutMs` (default 5 000) with
 * `kafka_unreachable` when the brokers do not answer.
 * @example
 * await deleteKafkaTopics(['localhost:9092'], ['previews']);
 */
export async function deleteKafkaTopics(brokers: readonly string[], topics: readonly string[], opts: InspectOptions = {}): Promise<void> {
  await withClient(brokers, opts, async (client, track) => track(await client.admin()).deleteTopics(topics));
}
