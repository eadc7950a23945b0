import kafkajs, { type Admin, type Kafka as KafkaType, type Producer } from 'kafkajs';
import { decodeBatch, createCluster, endTransaction, InternalTransaction, READ_COMMITTED, type InternalCluster, type RawMessage } from './kafkajs-internals.js';
import {
  MessageTooLargeError,
  OffsetOutOfRangeError,
  type FetchedPartition,
  type FetchedRecord,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaClientConfig,
  type KafkaProducer,
  type KafkaProducerOptions,
  type OutgoingMessage,
  type KafkaOpenTransaction,
  type KafkaTransactions,
  type PartitionReader,
  type TransactionHandle,
  TransactionLostError,
} from './client.js';

// kafkajs is CommonJS: Node's ESM loader only offers its default export at runtime.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
type Kafka = KafkaType;

/**
 * The kafkajs (pinned 2.2.4) adapter behind {@link KafkaClient}.
 *
 * kafkajs' consumer only reads through consumer-group rebalancing, but Riffle assigns partitions
 * itself (subtask i of n reads the partitions p with p mod n = i) and keeps positions in its own
 * state, as Flink's Kafka source does. The reader therefore uses kafkajs' internal cluster and
 * broker objects (`Fetch` requests at explicit offsets) and its `Batch` class to parse records;
 * aborted transactional records and control records are dropped by Riffle's own filter
 * (`decodeBatch`: kafkajs' shows some aborted records). Internals are why kafkajs is pinned.
 */
export function kafkajsClient(config: KafkaClientConfig): KafkaClient {
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.NOTHING,
    ...(config.connectionTimeoutMs === undefined ? {} : { connectionTimeout: config.connectionTimeoutMs }),
    ...(config.retries === undefined ? {} : { retry: { retries: config.retries } }),
  });
  return {
    admin: async () => {
      const admin = kafka.admin();
      await admin.connect();
      return new KafkajsAdmin(admin, () => createCluster(kafka));
    },
    reader: async (topic) => {
      const reader = new KafkajsReader(createCluster(kafka), topic);
      await reader.connect();
      return reader;
    },
    producer: async (options) => {
      const producer = kafka.producer(producerConfig(options));
      await producer.connect();
      return new KafkajsProducer(producer);
    },
    transactions: async ({ transactionTimeoutMs, topic }) => {
      const cluster = createCluster(kafka);
      await cluster.connect();
      return new KafkajsTransactions(kafka, cluster, transactionTimeoutMs, topic);
    },
  };
}

const MAX_BYTES = 16 * 1024 * 1024;
const MAX_BYTES_PER_PARTITION = 2 * 1024 * 1024;

class KafkajsReader implements PartitionReader {
  constructor(
    private readonly cluster: InternalCluster,
    private readonly topic: string,
  ) {}

  async connect(): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addTargetTopic(this.topic);
  }

  async fetch(positions: ReadonlyMap<number, number>, maxWaitMs: number): Promise<FetchedPartition[]> {
    try {
      await this.cluster.refreshMetadataIfNecessary();
      const byLeader = this.cluster.findLeaderForPartitions(this.topic, [...positions.keys()]);
      const known = Object.values(byLeader).reduce((n, ps) => n + ps.length, 0);
      if (known < positions.size) {
        // Metadata without some partition (e.g. fetched while the topic was being created):
        // kafkajs would only refresh it after metadataMaxAge (5 min), so refresh now.
        await this.cluster.refreshMetadata();
        return [];
      }
      const perBroker = await Promise.all(
        Object.entries(byLeader).map(([nodeId, partitions]) => this.fetchFrom(nodeId, partitions, positions, maxWaitMs)),
      );
      return perBroker.flat();
    } catch (e) {
      const err = e as { name?: string; partition?: number; retriable?: boolean; type?: string };
      if (err.name === 'KafkaJSOffsetOutOfRange') throw new OffsetOutOfRangeError(Number(err.partition));
      // Leader moved, broker restarting, connection lost: refresh and let the caller poll again.
      if (err.retriable || err.name === 'KafkaJSConnectionError' || err.name === 'KafkaJSTopicMetadataNotLoaded' || err.name === 'KafkaJSBrokerNotFound') {
        await this.cluster.refreshMetadata().catch(() => {});
        return [];
      }
      throw e;
    }
  }

  private async fetchFrom(nodeId: string, partitions: number[], positions: ReadonlyMap<number, number>, maxWaitMs: number): Promise<FetchedPartition[]> {
    const broker = await this.cluster.findBroker({ nodeId });
    const request = partitions.map((partition) => ({ partition, fetchOffset: String(positions.get(partition)), maxBytes: MAX_BYTES_PER_PARTITION }));
    const { responses } = await broker.fetch({
      isolationLevel: READ_COMMITTED,
      maxWaitTime: maxWaitMs,
      minBytes: 1,
      maxBytes: MAX_BYTES,
      topics: [{ topic: this.topic, partitions: request }],
    });
    const out: FetchedPartition[] = [];
    for (const { partitions: parts } of responses) {
      for (const data of parts) {
        const from = positions.get(data.partition)!;
        const batch = decodeBatch(this.topic, String(from), data);
        const within = batch.messagesWithinOffset;
        const last = within.length > 0 ? Number(within[within.length - 1]!.offset) + 1 : from;
        const lso = Number(data.lastStableOffset);
        out.push({
          partition: data.partition,
          records: batch.messages.map(toRecord),
          nextOffset: Math.max(from, last),
          endOffset: lso >= 0 ? lso : Number(data.highWatermark),
        });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.cluster.disconnect();
  }
}

function toRecord(m: RawMessage): FetchedRecord {
  const headers: Record<string, Buffer | undefined> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = Array.isArray(v) ? v[v.length - 1] : v;
  return { offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value, headers };
}

class KafkajsAdmin implements KafkaAdmin {
  private cluster: InternalCluster | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly newCluster: () => InternalCluster,
  ) {}

  async partitions(topic: string): Promise<number[]> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]!.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  }

  async topics(): Promise<string[]> {
    return (await this.admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
  }

  async offsets(topic: string) {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
  }

  async offsetsForTimestamp(topic: string, timestamp: number): Promise<Map<number, number>> {
    const [byTs, ends] = await Promise.all([this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp), this.offsets(topic)]);
    const result = new Map<number, number>();
    for (const o of byTs) {
      const off = Number(o.offset);
      result.set(o.partition, off >= 0 ? off : ends.find((e) => e.partition === o.partition)!.high);
    }
    return result;
  }

  async committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const res = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    const out = new Map<number, number>();
    for (const p of res[0]?.partitions ?? []) if (Number(p.offset) >= 0) out.set(p.partition, Number(p.offset));
    return out;
  }

  async commitOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const partitions = [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) }));
    if (partitions.length === 0) return;
    // A standalone commit (generation -1, no member id), as Kafka's assign()-mode consumers do.
    // kafkajs' admin.setOffsets would instead join the group, which is slow and fails while
    // another subtask of the same source is committing.
    if (this.cluster === undefined) {
      this.cluster = this.newCluster();
      await this.cluster.connect();
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const coordinator = await this.cluster.findGroupCoordinator({ groupId });
        await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: [{ topic, partitions }] });
        return;
      } catch (e) {
        // NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS while a new group's coordinator loads.
        if (!(e as { retriable?: boolean }).retriable || attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
        await this.cluster.refreshMetadata().catch(() => {});
      }
    }
  }

  async maxMessageBytes(topic: string): Promise<number> {
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
    });
    const entry = res.resources[0]?.configEntries.find((c) => c.configName === 'max.message.bytes');
    const n = Number(entry?.configValue);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`could not read max.message.bytes of topic ${topic}`);
    return n;
  }

  async createTopic(topic: string, o: { partitions: number; configs?: Record<string, string> }): Promise<boolean> {
    const configEntries = Object.entries(o.configs ?? {}).map(([name, value]) => ({ name, value }));
    // kafkajs' waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION while the new topic's
    // metadata spreads (seen on a loaded machine): the metadata is polled instead.
    const created = await this.admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: o.partitions, configEntries }] });
    for (let attempt = 1; ; attempt++) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const parts = meta.topics[0]?.partitions ?? [];
        if (parts.length > 0 && parts.every((p) => p.leader >= 0)) return created;
      } catch (e) {
        if (attempt >= 100) throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    // kafkajs retries a delete of a missing topic (UNKNOWN_TOPIC_OR_PARTITION) until it gives up.
    const existing = new Set(await this.admin.listTopics());
    const gone = topics.filter((t) => existing.has(t));
    if (gone.length > 0) await this.admin.deleteTopics({ topics: gone });
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.disconnect(), this.cluster?.disconnect()]);
  }
}

function producerConfig(options: KafkaProducerOptions = {}) {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId }),
    ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeout: options.transactionTimeoutMs }),
  };
}

class KafkajsProducer implements KafkaProducer {
  constructor(private readonly producer: Producer) {}

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    await translate(() => this.producer.send({ topic, acks: -1, messages }));
  }

  async transaction() {
    const txn = await this.producer.transaction();
    return {
      send: async (topic: string, messages: OutgoingMessage[]) => {
        await translate(() => txn.send({ topic, acks: -1, messages }));
      },
      commit: () => txn.commit(),
      abort: () => txn.abort(),
    };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Maps kafkajs' "too large" errors (possibly wrapped by its retrier) to {@link MessageTooLargeError}. */
async function translate<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    for (let err = e as { type?: string; cause?: unknown; message?: string } | undefined; err; err = err.cause as typeof err) {
      if (err.type === 'MESSAGE_TOO_LARGE' || err.type === 'RECORD_LIST_TOO_LARGE') throw new MessageTooLargeError(err.message ?? 'message too large');
    }
    throw e;
  }
}

/** Errors with which the transaction coordinator says a stored transaction no longer exists as such. */
const LOST = new Set(['INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE', 'INVALID_PRODUCER_ID_MAPPING', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
/** kafkajs 2.2.4 predates PRODUCER_FENCED (90) and reports it as an unknown code. */
const isLost = (e: { type?: string; message?: string }) => LOST.has(e.type ?? '') || (e.type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && /\b90\b/.test(e.message ?? ''));

/** Two-phase-commit transactions sharing one cluster (connections, metadata) per sink subtask. */
class KafkajsTransactions implements KafkaTransactions {
  private halted = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly cluster: InternalCluster,
    private readonly timeoutMs: number,
    private readonly topic: string,
  ) {}

  async begin(transactionalId: string): Promise<KafkaOpenTransaction> {
    const txn = new InternalTransaction(this.kafka, this.cluster, transactionalId, this.timeoutMs, () => this.halted);
    const handle = await txn.init();
    return {
      handle,
      send: (topic, messages) => translate(() => txn.send(topic, messages)),
      commit: () => lostOnFence(handle, () => txn.commit()),
      abort: () => txn.abort(),
    };
  }

  async resumeCommit(handle: TransactionHandle): Promise<void> {
    await lostOnFence(handle, () => this.retrying(() => endTransaction(this.cluster, handle, true)));
    await this.retrying(() => this.markCommittedAgain(handle.transactionalId));
  }

  /**
   * Writes COMMIT markers of the committed transaction's producer once more, on every partition
   * of the topic. Kafka can complete a commit without its markers: when the EndTxn reaches a
   * broker in controlled shutdown whose partitions have no leader any more (a single broker),
   * the coordinator skips them as "likely deleted" and records the commit as complete, so the
   * records stay an open transaction on the partitions and hold read_committed consumers for
   * good (seen in T7: "Couldn't find leader endpoint for partitions … these partitions are
   * likely deleted already and hence can be skipped"). Re-initialising the id bumps the
   * producer's epoch (its transaction is over, so nothing is aborted); an empty transaction over
   * all partitions then commits, and its markers end whatever that producer left open on them.
   */
  private async markCommittedAgain(transactionalId: string): Promise<void> {
    await this.cluster.addTargetTopic(this.topic);
    const partitions = this.cluster.findTopicPartitionMetadata(this.topic).map((p) => p.partitionId);
    if (partitions.length === 0) return;
    const txn = new InternalTransaction(this.kafka, this.cluster, transactionalId, this.timeoutMs, () => this.halted);
    await txn.init();
    await txn.addPartitions(this.topic, partitions);
    await txn.commit();
  }

  /** Retries what the coordinator refuses for now (CONCURRENT_TRANSACTIONS, NOT_COORDINATOR, loading after a restart). */
  private async retrying(op: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        if (!(e as { retriable?: boolean }).retriable || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1000)));
        await this.cluster.refreshMetadata().catch(() => {});
      }
    }
  }

  halt(): void {
    this.halted = true;
  }

  async close(): Promise<void> {
    await this.cluster.disconnect();
  }
}

async function lostOnFence(handle: TransactionHandle, end: () => Promise<void>): Promise<void> {
  try {
    await end();
  } catch (e) {
    if (!isLost(e as { type?: string })) throw e;
    throw new TransactionLostError(`transaction ${handle.transactionalId} (producer ${handle.producerId}, epoch ${handle.epoch}) is no longer open on the broker: ${(e as Error).message}`);
  }
}
