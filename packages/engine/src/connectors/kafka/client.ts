/**
 * The seam between Riffle's Kafka connectors and a Kafka client library. Only the adapter
 * (`kafkajs-client.ts`) imports a client library; the operators see these interfaces, so a
 * second adapter (e.g. `@platformatic/kafka`) can be added without touching them.
 *
 * Offsets are plain numbers: Kafka's int64 offsets stay below 2^53 in practice.
 */

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  /** Give up connecting after this long (the adapter's default otherwise). */
  connectionTimeoutMs?: number;
  /** Retries of a failed request or connection (the adapter's default otherwise); 0 fails fast. */
  retries?: number;
}

/** Offsets of one partition: the first available and the log end (next offset to be written). */
export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

export interface FetchedRecord {
  offset: number;
  /** Kafka record timestamp, epoch ms. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
}

export interface FetchedPartition {
  partition: number;
  /** Committed, non-control records at or after the requested offset (read_committed). */
  records: FetchedRecord[];
  /** Where the next fetch of this partition starts (past control and aborted records too). */
  nextOffset: number;
  /** The log end a read_committed consumer can reach (last stable offset), for the lag. */
  endOffset: number;
}

/** Reads manually assigned partitions of one topic (no consumer group, no rebalancing). */
export interface PartitionReader {
  /** One fetch round for the given positions; waits up to `maxWaitMs` when there is no data. */
  fetch(positions: ReadonlyMap<number, number>, maxWaitMs: number): Promise<FetchedPartition[]>;
  close(): Promise<void>;
}

export interface KafkaAdmin {
  /** Names of the cluster's topics, internal ones (`__consumer_offsets`, …) left out. */
  topics(): Promise<string[]>;
  /** Partition ids of a topic; throws when the topic does not exist. */
  partitions(topic: string): Promise<number[]>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /** First offset per partition whose timestamp is ≥ `timestamp` (the log end when none is). */
  offsetsForTimestamp(topic: string, timestamp: number): Promise<Map<number, number>>;
  /** Offsets a group committed; partitions without a commit are absent. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>>;
  /** Commits offsets for a group that has no members (monitoring only). */
  commitOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  /** The topic's `max.message.bytes`. */
  maxMessageBytes(topic: string): Promise<number>;
  /**
   * Creates a topic (the cluster's default replication) and waits until its partitions have
   * leaders; false when it already existed (then untouched, whatever its settings).
   */
  createTopic(topic: string, o: { partitions: number; configs?: Record<string, string> }): Promise<boolean>;
  /** Deletes those of `topics` that exist. */
  deleteTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface OutgoingMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
}

export interface KafkaProducerOptions {
  /** Set for transactional (exactly-once) producers. */
  transactionalId?: string;
  transactionTimeoutMs?: number;
}

export interface KafkaTransaction {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** An idempotent producer (acks=all); transactional when created with a transactionalId. */
export interface KafkaProducer {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  transaction(): Promise<KafkaTransaction>;
  close(): Promise<void>;
}

/** Thrown (by any adapter) when the broker rejects a record batch as too large. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
}

/** What a broker needs to finish a transaction: stored in checkpoints by two-phase commit. */
export interface TransactionHandle {
  transactionalId: string;
  producerId: number;
  epoch: number;
}

/** An open transaction under its own transactional id (one per checkpoint per sink subtask). */
export interface KafkaOpenTransaction extends KafkaTransaction {
  readonly handle: TransactionHandle;
}

/**
 * Transactions for two-phase commit. Unlike {@link KafkaProducer.transaction}, each transaction
 * gets its own transactional id, exposes its producer id and epoch, and a transaction begun by an
 * earlier process can be committed from its stored handle.
 */
export interface KafkaTransactions {
  /**
   * Kafka's `initTransactions` for `transactionalId`, then begins a transaction: fences every
   * earlier producer of the id and aborts its open transaction. `handle.epoch` is 0 exactly when
   * the id was never used before.
   */
  begin(transactionalId: string): Promise<KafkaOpenTransaction>;
  /**
   * Commits a transaction an earlier producer (maybe an earlier process) sealed, by its stored
   * handle (Flink's `resumeTransaction`); committing an already committed one succeeds. Throws
   * {@link TransactionLostError} when the broker aborted it (timed out) or fenced it.
   */
  resumeCommit(handle: TransactionHandle): Promise<void>;
  /**
   * Sends nothing more: a send retrying through a broker outage gives up at its next attempt
   * instead of landing once the broker is back, when a restarted run may own the ids (Flink
   * closes a cancelled task's producer the same way). Ending transactions still works.
   */
  halt(): void;
  close(): Promise<void>;
}

export interface KafkaClient {
  admin(): Promise<KafkaAdmin>;
  reader(topic: string): Promise<PartitionReader>;
  producer(options?: KafkaProducerOptions): Promise<KafkaProducer>;
  /** Transactions writing to `topic` (whose partitions a restore may have to mark again, see `resumeCommit`). */
  transactions(options: { transactionTimeoutMs: number; topic: string }): Promise<KafkaTransactions>;
}

/**
 * The broker no longer has the transaction to commit: it aborted it after `transactionTimeout`,
 * or a newer producer of its id fenced it. Its records are gone.
 */
export class TransactionLostError extends Error {
  override readonly name = 'TransactionLostError';
}

export type KafkaClientFactory = (config: KafkaClientConfig) => KafkaClient;

/** The requested position is outside the partition's log (deleted by retention, or truncated). */
export class OffsetOutOfRangeError extends Error {
  override readonly name = 'OffsetOutOfRangeError';
  constructor(readonly partition: number) {
    super(`offset out of range on partition ${partition}`);
  }
}
