import { compileExpression, ExpressionEvaluationError, parseDuration, type CompiledExpression, type KafkaSinkParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { MessageTooLargeError, type KafkaAdmin, type KafkaProducer, type KafkaTransaction, type OutgoingMessage } from '../connectors/kafka/client.js';
import { createKafkaClient } from '../connectors/kafka/index.js';
import { TransactionalWriter, type KafkaSinkSnapshot } from '../connectors/kafka/transactional-writer.js';
import { Operator, type OperatorContext } from '../operator.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';
import { InFlightWrites } from './in-flight.js';

/** Records buffered before a send is started without waiting for the next tick. */
const SEND_BATCH = 1000;
/** Sends queued before the task stops taking input (a slow or unreachable broker holds the sources back). */
const MAX_SENDS_IN_FLIGHT = 4;
/** Bytes of a record batch beyond its records (Kafka's v2 batch header is 61 bytes), with margin. */
const BATCH_OVERHEAD = 100;
/** Bytes per record beyond its key and value (length varints, attributes, deltas), with margin. */
const RECORD_OVERHEAD = 32;
/** Largest send, so that kafkajs' per-partition batches stay well below broker limits. */
const MAX_SEND_BYTES = 1024 * 1024;

interface Buffered {
  message: OutgoingMessage;
  bytes: number;
}

/**
 * Writes records as JSON to a Kafka topic.
 *
 * `at-least-once`: an idempotent producer (acks=all); records are sent in batches as they
 * accumulate and on every processing-time tick, and flushed at end of input and on stop.
 *
 * `exactly-once` in a job with checkpoints: two-phase commit (Flink's KafkaSink), see
 * {@link TransactionalWriter}. Records between two barriers go into one transaction; the barrier
 * seals it (its handle goes into the snapshot) and the checkpoint's acknowledgement waits until
 * its sends are acknowledged; the checkpoint's completion commits it. A restore commits the
 * restored pending transactions and aborts lingering later ones. End of input commits the rest.
 *
 * A job stopped without a savepoint leaves the transactions sealed by a checkpoint that had not
 * completed when the sink closed (at most the one in flight) open on the broker, on purpose: the
 * sink cannot know whether that checkpoint completes (its `_metadata` may become durable after the
 * tasks closed, with no notification reaching them). Aborting could lose the output of a
 * completed checkpoint, committing would repeat the output of a failed one. A restore settles them
 * (committed when their checkpoint is the one restored, aborted otherwise); until then, at most
 * `transactionTimeout`, read_committed consumers of those partitions wait. Stop with a savepoint
 * leaves none (its completion commits them before the job stops).
 *
 * `exactly-once` without checkpoints: records are sent inside a transaction that commits every
 * `commitInterval`, at end of input and on stop, under the transactional id `<prefix>-<subtask>`,
 * so a restarted job fences its predecessor's open transaction. A failure loses the open
 * transaction's records and the source re-reads from its start position: exactly-once per run.
 *
 * Before buffering, a record's size is checked against the topic's `max.message.bytes`; a
 * larger one is dead-lettered, never sent (it would fail its whole batch or transaction).
 */
export class KafkaSinkOperator extends Operator {
  private readonly key: CompiledExpression | undefined;
  private readonly exactlyOnce: boolean;
  private readonly commitIntervalMs: number;
  private producer: KafkaProducer | undefined;
  private admin: KafkaAdmin | undefined;
  private maxRecordBytes = Infinity;
  private maxSendBytes = MAX_SEND_BYTES;
  private buffer: Buffered[] = [];
  private txn: KafkaTransaction | undefined;
  private lastCommit = Date.now();
  /** Async work (sends, commits) runs one after the other on this chain. */
  private work: Promise<void> = Promise.resolve();
  private readonly inFlight = new InFlightWrites(MAX_SENDS_IN_FLIGHT);
  private failure: unknown;
  /** Two-phase commit (exactly-once with checkpoints). */
  private writer: TransactionalWriter | undefined;
  private restored: KafkaSinkSnapshot[] = [];
  /** Records buffered or sent since the last seal. */
  private epochRecords = 0;
  private ended = false;

  /** The `onError` policy of the key expression (T18). */
  private readonly onError: ExpressionErrorPolicy;
  private readonly keyText: string;

  constructor(
    private readonly params: WithErrorPolicy<KafkaSinkParams>,
    ctx: OperatorContext,
  ) {
    super();
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
    this.keyText = `key = ${params.key ?? ''}`;
    this.key = params.key === undefined ? undefined : compileExpression(params.key, ctx.inputSchema);
    this.exactlyOnce = params.delivery === 'exactly-once';
    this.commitIntervalMs = parseDuration(params.commitInterval) ?? 5000;
  }

  override async open(): Promise<void> {
    const { params, ctx } = this;
    const client = createKafkaClient({ brokers: params.brokers, clientId: `riffle-${ctx.nodeId}-${ctx.subtaskIndex}` });
    this.admin = await client.admin();
    const limit = await this.admin.maxMessageBytes(params.topic);
    this.maxRecordBytes = limit - BATCH_OVERHEAD;
    this.maxSendBytes = Math.min(MAX_SEND_BYTES, this.maxRecordBytes);
    if (this.twoPhase) {
      // The job id keeps ids apart across jobs and stable across restores of one job.
      const prefix = params.transactionalIdPrefix ?? `riffle-${ctx.jobId}-${ctx.nodeId}`;
      const txns = await client.transactions({ transactionTimeoutMs: parseDuration(params.transactionTimeout)!, topic: params.topic });
      this.writer = new TransactionalWriter(txns, prefix, ctx.subtaskIndex, ctx.parallelism, (e) => this.failAsync(e));
      const first = await this.writer.recover(this.restored);
      ctx.logger.info('sink.kafka: transactions recovered', {
        nodeId: ctx.nodeId,
        subtask: ctx.subtaskIndex,
        committed: this.restored.flatMap((r) => r.pending.map((p) => `${p.transactionalId}@${p.producerId}/${p.epoch}`)),
        first: `${first.transactionalId}@${first.producerId}/${first.epoch}`,
      });
      return;
    }
    const prefix = params.transactionalIdPrefix ?? `riffle-${params.topic}-${ctx.nodeId}`;
    this.producer = await client.producer(
      this.exactlyOnce ? { transactionalId: `${prefix}-${ctx.subtaskIndex}`, transactionTimeoutMs: parseDuration(params.transactionTimeout)! } : {},
    );
  }

  processElement(value: Row): void {
    this.rethrow();
    let key: string | null = null;
    if (this.key !== undefined) {
      let k: unknown;
      try {
        k = this.key.evaluate(value);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        this.onError.handle(value, new Error(`key: ${e.message}`), this.keyText);
        return;
      }
      key = k === null || k === undefined ? null : typeof k === 'string' ? k : JSON.stringify(k);
    }
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json) + (key === null ? 0 : Buffer.byteLength(key)) + RECORD_OVERHEAD;
    if (bytes > this.maxRecordBytes) {
      this.ctx.deadLetter(value, new Error(`record of about ${bytes} bytes is larger than topic "${this.params.topic}" accepts (max.message.bytes ${this.maxRecordBytes + BATCH_OVERHEAD})`));
      return;
    }
    this.buffer.push({ message: { key, value: json }, bytes });
    this.epochRecords++;
    if (this.buffer.length >= SEND_BATCH) this.enqueueSend();
  }

  override onProcessingTime(now: number): void {
    this.rethrow();
    this.enqueueSend();
    if (this.exactlyOnce && !this.twoPhase && now - this.lastCommit >= this.commitIntervalMs) {
      this.lastCommit = now;
      this.enqueue(() => this.commit());
    }
  }

  /**
   * Two-phase: nothing is committed here. The bounded job's final checkpoint (taken after every
   * task ended) seals the last transaction and commits it when it completes; {@link close}
   * commits whatever that checkpoint did not (it failed, or the job has none). Committing here
   * would race the final checkpoint's seal of the same transaction.
   */
  override endInput(): void {
    this.ended = true;
    this.enqueueSend();
    if (this.writer === undefined) this.enqueue(() => this.commit());
  }

  override async close(): Promise<void> {
    this.enqueueSend();
    if (this.writer === undefined) this.enqueue(() => this.commit());
    // Ended: no checkpoint follows, so what is still open or sealed is published now.
    else if (this.ended) this.enqueue(() => this.writer!.commitAll(this.epochRecords > 0));
    // Stopped (not ended): records after the last barrier are not covered by a checkpoint, so
    // their transaction aborts; sealed ones are left for a restore, deliberately (see the class TSDoc).
    else this.enqueue(() => this.writer!.abortOpen());
    await this.work;
    await this.release();
    this.rethrow();
  }

  override abort(): void {
    const txn = this.txn;
    this.txn = undefined;
    // Nothing queued may reach the broker any more (only the step in flight finishes): a queued
    // seal would begin the next transactional id, which the restarted run may own by then.
    this.failure ??= new Error('the job failed');
    // A send in flight retries through a broker outage without end; left alone it would land
    // when the broker is back, racing the restarted run that owns these transactional ids.
    this.writer?.halt();
    void (async () => {
      await this.work.catch(() => {});
      await txn?.abort().catch(() => {});
      await this.writer?.abortOpen();
      await this.release();
    })();
  }

  private get twoPhase(): boolean {
    return this.exactlyOnce && this.ctx.checkpointing === true;
  }

  /**
   * Exactly-once: seals the transaction of the records before barrier `checkpointId` (its handle
   * goes into the snapshot) and resolves with the snapshot once its sends are acknowledged.
   * Rejects while that transaction is still being begun (InitProducerId in flight right after the
   * previous seal): the checkpoint is declined and its records go with the next one.
   * At-least-once: no state; resolves once what was written before the barrier is flushed.
   */
  override snapshotState(checkpointId: number): Promise<KafkaSinkSnapshot | undefined> | KafkaSinkSnapshot | undefined {
    if (this.writer === undefined) return this.flush()?.then(() => undefined);
    if (this.epochRecords === 0) return this.writer.snapshot();
    if (this.writer.readyToSeal() === undefined) return Promise.reject(new Error('the Kafka transaction of this checkpoint is still being begun'));
    this.enqueueSend();
    const flushed = this.work.then(() => this.rethrow());
    this.writer.seal(checkpointId, flushed);
    this.epochRecords = 0;
    this.enqueue(() => this.writer!.sealOnChain());
    // Taken after the seal: it lists the sealed transaction, and ids continue after it.
    const state = this.writer.snapshot();
    return flushed.then(() => state);
  }

  /**
   * At-least-once (and exactly-once without checkpoints, whose own commits decide): the
   * checkpoint covers the records before its barrier, so they must be acknowledged before it
   * completes, or a crash right after it would lose them (Flink's KafkaSink flushes here too).
   */
  private flush(): Promise<void> | undefined {
    if (this.exactlyOnce) return undefined;
    this.enqueueSend();
    return this.work.then(() => this.rethrow());
  }

  override notifyCheckpointComplete(checkpointId: number): void {
    this.writer?.commitUpTo(checkpointId);
  }

  override restoreState(snapshot: unknown): void {
    if (snapshot !== undefined) this.restored.push(snapshot as KafkaSinkSnapshot);
  }

  /** Old subtask s's transactions go to new subtask s mod parallelism, which commits or aborts them. */
  override restoreRescaled(snapshots: unknown[]): void {
    snapshots.forEach((s, i) => {
      if (i % this.ctx.parallelism === this.ctx.subtaskIndex) this.restoreState(s);
    });
  }

  /** Fails the job from async work (a send or commit), once. */
  private failAsync(e: unknown): void {
    this.failure ??= e;
    this.ctx.fail?.(e);
  }

  private enqueueSend(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.enqueue(() => this.send(batch));
    this.inFlight.add(this.work);
  }

  override backlog(): Promise<void> | undefined {
    return this.inFlight.backlog();
  }

  private enqueue(op: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.failure === undefined) await op();
    }).catch((e) => {
      if (this.failure === undefined) this.failAsync(e);
    });
  }

  /** Sends in pieces below the topic's limit, so that no batch the producer builds is too large. */
  private async send(batch: Buffered[]): Promise<void> {
    const target = this.writer !== undefined ? await this.writer.target() : this.exactlyOnce ? (this.txn ??= await this.producer!.transaction()) : this.producer!;
    let piece: OutgoingMessage[] = [];
    let bytes = 0;
    for (const b of batch) {
      if (piece.length > 0 && bytes + b.bytes > this.maxSendBytes) {
        await this.sendPiece(target, piece);
        piece = [];
        bytes = 0;
      }
      piece.push(b.message);
      bytes += b.bytes;
    }
    if (piece.length > 0) await this.sendPiece(target, piece);
  }

  private async sendPiece(target: KafkaProducer | KafkaTransaction, piece: OutgoingMessage[]): Promise<void> {
    try {
      await target.send(this.params.topic, piece);
    } catch (e) {
      if (!(e instanceof MessageTooLargeError)) throw e;
      // The size check should prevent this. Inside a transaction the batch's fate is unclear, so
      // fail rather than risk a silent gap; outside one, find and dead-letter the culprits.
      if (this.exactlyOnce) throw new Error(`the broker rejected a batch as too large inside a transaction (topic "${this.params.topic}"): ${e.message}`);
      for (const m of piece) {
        try {
          await target.send(this.params.topic, [m]);
        } catch (e2) {
          if (!(e2 instanceof MessageTooLargeError)) throw e2;
          this.ctx.deadLetter(JSON.parse(m.value as string), new Error(`rejected by the broker as too large: ${e2.message}`));
        }
      }
    }
  }

  private async commit(): Promise<void> {
    const txn = this.txn;
    if (txn === undefined) return;
    this.txn = undefined;
    await txn.commit();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async release(): Promise<void> {
    const closing = [this.producer?.close(), this.admin?.close(), this.writer?.close()];
    this.producer = this.admin = undefined;
    this.writer = undefined;
    await Promise.all(closing.map((p) => p?.catch(() => {})));
  }
}
