import { MAX_TRANSACTION_TIMEOUT_MS } from '@riffle/shared';
import type { KafkaClient, KafkaProducer, OutgoingMessage } from './client.js';
import { TransactionalWriter, type KafkaSinkSnapshot } from './transactional-writer.js';

/**
 * Where a Kafka source sends the original bytes of its malformed records (`dlqTopic`).
 *
 * The source calls {@link write} from `pollNext` and awaits it, and checkpoint barriers are
 * injected between polls, so at a barrier every dead letter of the records before it has been
 * handed over: what the snapshot covers is known exactly.
 */
export interface DeadLetterWriter {
  /** Sends the dead letters of the records just emitted. */
  write(messages: OutgoingMessage[]): Promise<void>;
  /** State for checkpoint `checkpointId` (see the implementations); undefined when there is none. */
  snapshot(checkpointId: number): Promise<KafkaSinkSnapshot> | KafkaSinkSnapshot | undefined;
  /** Checkpoint `checkpointId` completed. */
  committed(checkpointId: number): void;
  /** `ended`: the input ran out (publish everything); otherwise the job stopped. */
  close(ended: boolean): Promise<void>;
  /** The job failed: release without publishing anything more. */
  abort(): void;
}

/**
 * At-least-once: an idempotent producer; a dead letter is visible once acknowledged. After a
 * restore the records since the checkpoint are read again, and their dead letters repeat.
 */
export class IdempotentDeadLetters implements DeadLetterWriter {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly topic: string,
  ) {}

  write(messages: OutgoingMessage[]): Promise<void> {
    return this.producer.send(this.topic, messages);
  }

  snapshot(): undefined {
    return undefined;
  }

  committed(): void {}

  close(): Promise<void> {
    return this.producer.close();
  }

  abort(): void {
    void this.producer.close().catch(() => {});
  }
}

/**
 * Exactly-once: dead letters go through the same two-phase commit as `sink.kafka` (see
 * {@link TransactionalWriter}): the ones between two barriers form one transaction, sealed at the
 * barrier (its handle goes into the source's snapshot) and committed when that checkpoint
 * completes; a restore commits the restored checkpoint's sealed transactions and aborts later
 * ones, whose records the source reads, and dead-letters, again. So each malformed record is in
 * the topic once for read_committed consumers, however often the job was killed.
 */
export class TransactionalDeadLetters implements DeadLetterWriter {
  /** Sends and seals run one after the other on this chain (a seal begins the next transaction). */
  private work: Promise<void> = Promise.resolve();
  private sinceSeal = 0;
  private failure: unknown;

  private constructor(
    private readonly writer: TransactionalWriter,
    private readonly topic: string,
  ) {}

  /**
   * Opens the transactions of subtask `subtask` (ids `<prefix>-<subtask>-<seq>`) and finishes what
   * the restored snapshots left: theirs committed, later ones aborted.
   */
  static async open(o: {
    client: KafkaClient;
    prefix: string;
    topic: string;
    subtask: number;
    parallelism: number;
    restored: KafkaSinkSnapshot[];
    onAsyncFailure: (e: unknown) => void;
  }): Promise<TransactionalDeadLetters> {
    // The broker's maximum, as sink.kafka's default: a sealed transaction must outlive the checkpoint.
    const txns = await o.client.transactions({ transactionTimeoutMs: MAX_TRANSACTION_TIMEOUT_MS, topic: o.topic });
    const writer = new TransactionalWriter(txns, o.prefix, o.subtask, o.parallelism, o.onAsyncFailure);
    try {
      await writer.recover(o.restored);
    } catch (e) {
      await writer.close().catch(() => {});
      throw e;
    }
    return new TransactionalDeadLetters(writer, o.topic);
  }

  write(messages: OutgoingMessage[]): Promise<void> {
    this.sinceSeal += messages.length;
    return this.enqueue(async () => (await this.writer.target()).send(this.topic, messages));
  }

  /**
   * Seals the transaction of the dead letters since the last barrier and resolves with the
   * snapshot listing it once its sends are acknowledged. Without new dead letters nothing is
   * sealed (no empty transactions), and the snapshot still carries the sealed, uncommitted ones.
   */
  snapshot(checkpointId: number): Promise<KafkaSinkSnapshot> | KafkaSinkSnapshot {
    if (this.sinceSeal === 0) return this.writer.snapshot();
    if (this.writer.readyToSeal() === undefined) return Promise.reject(new Error('the dead-letter transaction of this checkpoint is still being begun'));
    const flushed = this.work.then(() => this.rethrow());
    this.writer.seal(checkpointId, flushed);
    this.sinceSeal = 0;
    void this.enqueue(() => this.writer.sealOnChain()).catch(() => {});
    const state = this.writer.snapshot();
    return flushed.then(() => state);
  }

  committed(checkpointId: number): void {
    this.writer.commitUpTo(checkpointId);
  }

  /**
   * Ended: no checkpoint follows (or the final one did not complete), so everything is committed.
   * Stopped: the open transaction is aborted (its records are after the last barrier and are
   * read again by a restore); sealed ones stay for their checkpoint's completion or a restore,
   * as sink.kafka's (its TSDoc says why).
   */
  async close(ended: boolean): Promise<void> {
    try {
      await this.work;
      this.rethrow();
      if (ended) await this.writer.commitAll(this.sinceSeal > 0);
      else await this.writer.abortOpen();
    } finally {
      await this.writer.close().catch(() => {});
    }
  }

  abort(): void {
    // Queued steps are skipped (see sink-kafka.ts abort): only the one in flight finishes.
    this.failure ??= new Error('the job failed');
    this.writer.halt();
    void (async () => {
      await this.work.catch(() => {});
      await this.writer.abortOpen();
      await this.writer.close().catch(() => {});
    })();
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.work.then(() => {
      this.rethrow();
      return op();
    });
    // A failed send fails every later step: the transaction it belonged to cannot be sealed.
    this.work = run.catch((e: unknown) => {
      this.failure ??= e;
    });
    return run;
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
