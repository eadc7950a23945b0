import { createRequire } from 'node:module';
import kafkajs, { type Kafka } from 'kafkajs';

/**
 * The one place that reaches into kafkajs' private modules; kafkajs is pinned to 2.2.4 for it
 * (package.json), and `kafkajs-broker.integration.test.ts` exercises every piece against the
 * real broker. Internals used:
 * - `Kafka[Symbol('private:Kafka:createCluster')]`: a bare `Cluster` (connections + metadata),
 *   whose `findBroker`, `findGroupCoordinator` (also for the transaction coordinator, type 1) and
 *   broker request methods `fetch`, `offsetCommit`, `endTxn` we call;
 * - `kafkajs/src/consumer/batch`: decodes a fetched partition into records (which of them are committed
 *   Riffle decides itself, see {@link decodeBatch});
 * - `kafkajs/src/producer/eosManager` + `kafkajs/src/producer/messageProducer` + `kafkajs/src/retry`:
 *   the pieces kafkajs' own producer is assembled from. Riffle assembles them itself because the
 *   public producer hides the producer id and epoch that two-phase commit must store, and cannot
 *   finish a transaction that another process began (Flink's `resumeTransaction`, done here by
 *   sending `EndTxn` with the stored id and epoch).
 */

const require = createRequire(import.meta.url);
const { Partitioners } = kafkajs;

// ---- cluster and fetch

export interface RawMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | Buffer[] | undefined>;
  /** Control records (transaction markers) are in the fetched data too. */
  isControlRecord?: boolean;
  /** The record batch it came in: which producer wrote it, inside a transaction or not. */
  batchContext: { producerId: string; inTransaction: boolean };
}
export interface RawPartition {
  partition: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions?: Array<{ producerId: string; firstOffset: string }>;
}
export interface InternalBroker {
  fetch(req: object): Promise<{ responses: Array<{ topicName: string; partitions: RawPartition[] }> }>;
  endTxn(req: { transactionalId: string; producerId: number; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}
export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  findBroker(q: { nodeId: string }): Promise<InternalBroker>;
  findGroupCoordinator(q: { groupId: string; coordinatorType?: number }): Promise<InternalBroker & { offsetCommit(req: object): Promise<unknown> }>;
  retry?: object;
}

export const READ_COMMITTED = 1;
/** kafkajs' `COORDINATOR_TYPES.TRANSACTION` (FindCoordinator key type 1). */
const TRANSACTION_COORDINATOR = 1;

/** A bare kafkajs cluster (read_committed fetches, no topic auto-creation). */
export function createCluster(kafka: Kafka): InternalCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (sym === undefined) throw new Error('kafkajs internals changed: no createCluster (kafkajs must be pinned to 2.2.4)');
  const create = (kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[sym]!;
  return create({ isolationLevel: READ_COMMITTED, allowAutoTopicCreation: false });
}

type BatchClass = new (topic: string, fetchedOffset: string, partitionData: RawPartition) => {
  messagesWithinOffset: RawMessage[];
};
const KafkajsBatch = require('kafkajs/src/consumer/batch') as BatchClass;

/** A fetched partition decoded: the committed data records, and every record at or after the fetched offset. */
export interface DecodedPartition {
  /** Data records of committed (or non-transactional) batches: what read_committed returns. */
  messages: RawMessage[];
  /** Everything from the fetched offset on, control and aborted records included (positions move past them). */
  messagesWithinOffset: RawMessage[];
}

/**
 * Decodes a fetched partition with kafkajs' `Batch` (record parsing only) and keeps the
 * committed data records the way Kafka's Java consumer does: an aborted transaction (the fetch
 * response lists each with its producer and first offset) covers its producer's transactional
 * records from its first offset up to that producer's ABORT marker.
 *
 * kafkajs' own filter (consumer/filterAbortedMessages.js) is not used: it takes at most one entry
 * of that list per record, in the broker's order, so it falls behind (and shows aborted records
 * as committed) when a fetch starts past the first offsets of two aborted transactions, or when
 * the broker lists them in abort order rather than first-offset order (two sink subtasks writing
 * one partition, both aborted by a crash). Both happen after a restore of an exactly-once job.
 */
export function decodeBatch(topic: string, fetchedOffset: string, data: RawPartition): DecodedPartition {
  const { messagesWithinOffset } = new KafkajsBatch(topic, fetchedOffset, { ...data, abortedTransactions: [] });
  return { messagesWithinOffset, messages: committedOnly(messagesWithinOffset, data.abortedTransactions ?? []) };
}

/** ABORT markers are control records whose key is version 0, type 0. */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

function committedOnly(records: RawMessage[], abortedTransactions: ReadonlyArray<{ producerId: string; firstOffset: string }>): RawMessage[] {
  const starts = [...abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
  const abortedProducers = new Set<string>();
  let next = 0;
  return records.filter((r) => {
    const offset = BigInt(r.offset);
    // Every aborted transaction begun at or before this record is open from here on.
    while (next < starts.length && BigInt(starts[next]!.firstOffset) <= offset) abortedProducers.add(String(starts[next++]!.producerId));
    const producer = String(r.batchContext.producerId);
    if (r.isControlRecord === true) {
      if (r.key !== null && Buffer.from(r.key).equals(ABORT_MARKER_KEY)) abortedProducers.delete(producer);
      return false;
    }
    return !(r.batchContext.inTransaction && abortedProducers.has(producer));
  });
}

// ---- transactions

interface EosManager {
  initProducerId(): Promise<void>;
  getProducerId(): number;
  getProducerEpoch(): number;
  beginTransaction(): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isInTransaction(): boolean;
  addPartitionsToTransaction(topicData: Array<{ topic: string; partitions: Array<{ partition: number }> }>): Promise<void>;
}
type EosManagerFactory = (o: { logger: unknown; cluster: InternalCluster; transactionTimeout: number; transactional: boolean; transactionalId: string }) => EosManager;
type MessageProducerFactory = (o: object) => { send(req: { topic: string; acks: number; messages: unknown[] }): Promise<unknown> };
type Attempt = (bail: (e: Error) => void, retryCount: number, retryTime: number) => Promise<unknown>;
type Retrier = (attempt: Attempt) => Promise<unknown>;
type RetryFactory = (o: object) => Retrier;

/** A retrier whose next attempt bails once `halted()`: no send outlives the run that made it. */
function haltable(retrier: Retrier, halted: () => boolean, transactionalId: string): Retrier {
  return (attempt) =>
    retrier((bail, count, time) => {
      if (halted()) {
        bail(new Error(`transaction ${transactionalId}: the sink was stopped, the send is dropped`));
        return Promise.resolve();
      }
      return attempt(bail, count, time);
    });
}

const createEosManager = require('kafkajs/src/producer/eosManager') as EosManagerFactory;
const createMessageProducer = require('kafkajs/src/producer/messageProducer') as MessageProducerFactory;
const createRetry = require('kafkajs/src/retry') as RetryFactory;
const CONNECTED = 'connected';

/** Identifies a transaction on the broker: what `EndTxn` needs. */
export interface InternalTxnHandle {
  transactionalId: string;
  producerId: number;
  epoch: number;
}

/**
 * One transaction under one transactional id, built from kafkajs' own producer parts on a shared
 * cluster. `init` is Kafka's `initTransactions`: InitProducerId fences every earlier producer of
 * the id and aborts its open transaction; a never-used id gets epoch 0.
 */
export class InternalTransaction {
  private readonly eos: EosManager;
  private readonly producer: ReturnType<MessageProducerFactory>;

  /** `halted`: once true, a send gives up at its next attempt (see `KafkaTransactions.halt`). */
  constructor(kafka: Kafka, cluster: InternalCluster, readonly transactionalId: string, transactionTimeoutMs: number, halted: () => boolean = () => false) {
    const logger = (kafka as unknown as { logger(): { namespace(n: string): unknown } }).logger().namespace('RiffleTransaction');
    this.eos = createEosManager({ logger, cluster, transactionTimeout: transactionTimeoutMs, transactional: true, transactionalId });
    this.producer = createMessageProducer({
      logger,
      cluster,
      partitioner: Partitioners.DefaultPartitioner(),
      eosManager: this.eos,
      idempotent: true,
      // As kafkajs' idempotent producer: retry sends for as long as it takes (sequence numbers make it safe).
      retrier: haltable(createRetry({ ...cluster.retry, retries: Number.MAX_SAFE_INTEGER }), halted, transactionalId),
      getConnectionStatus: () => CONNECTED,
    });
  }

  async init(): Promise<InternalTxnHandle> {
    await this.eos.initProducerId();
    this.eos.beginTransaction();
    return { transactionalId: this.transactionalId, producerId: this.eos.getProducerId(), epoch: this.eos.getProducerEpoch() };
  }

  async send(topic: string, messages: unknown[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Adds partitions to the open transaction without sending to them (its EndTxn then writes markers there). */
  addPartitions(topic: string, partitions: number[]): Promise<void> {
    return this.eos.addPartitionsToTransaction([{ topic, partitions: partitions.map((partition) => ({ partition })) }]);
  }

  /** No EndTxn is sent for a transaction that never added a partition (kafkajs skips it). */
  commit(): Promise<void> {
    return this.eos.commit();
  }

  abort(): Promise<void> {
    return this.eos.abort();
  }
}

/**
 * Sends `EndTxn` for a transaction some earlier producer began (Flink's
 * `FlinkKafkaInternalProducer.resumeTransaction` + `commitTransaction`). Idempotent: the
 * coordinator answers a repeated commit of a completed commit with success.
 */
export async function endTransaction(cluster: InternalCluster, t: InternalTxnHandle, commit: boolean): Promise<void> {
  const coordinator = await cluster.findGroupCoordinator({ groupId: t.transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
  await coordinator.endTxn({ transactionalId: t.transactionalId, producerId: t.producerId, producerEpoch: t.epoch, transactionResult: commit });
}
