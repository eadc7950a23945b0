import { compileExpression, ExpressionEvaluationError, parseDuration, type CompiledExpression, type KafkaSinkParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { MessageTooLargeError, type KafkaAdmin, type KafkaProducer, type KafkaTransaction, type OutgoingMessage } from '../connectors/kafka/client.js';
import { createKafkaClient } from '../connectors/kafka/index.js';
import { Operator, type OperatorContext } from '../operator.js';

/** Records buffered before a send is started without waiting for the next tick. */
const SEND_BATCH = 1000;
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
 * `exactly-once`: records are sent inside a transaction that commits every `commitInterval`,
 * at end of input and on stop; a `read_committed` consumer sees a transaction's records only
 * after its commit. The transactional id is `<prefix>-<subtask>`, so a restarted job fences
 * its predecessor's open transaction.
 * TODO(checkpoints): commit per checkpoint with two-phase commit — pre-commit (flush) on the
 * barrier, commit when the checkpoint completes, transactional ids `<prefix>-<subtask>-<n>`, the
 * pending transaction in the snapshot and resumed after a restore (TEST-PLAN decision 1). Until
 * then a failure loses the open transaction's records (aborted by the broker) and the source
 * re-reads from its start position: the output is exactly-once per run, not across failures.
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
  private failure: unknown;

  constructor(
    private readonly params: KafkaSinkParams,
    ctx: OperatorContext,
  ) {
    super();
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
        this.ctx.deadLetter(value, new Error(`key: ${e.message}`));
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
    if (this.buffer.length >= SEND_BATCH) this.enqueueSend();
  }

  override onProcessingTime(now: number): void {
    this.rethrow();
    this.enqueueSend();
    if (this.exactlyOnce && now - this.lastCommit >= this.commitIntervalMs) {
      this.lastCommit = now;
      this.enqueue(() => this.commit());
    }
  }

  override endInput(): void {
    this.enqueueSend();
    this.enqueue(() => this.commit());
  }

  override async close(): Promise<void> {
    this.enqueueSend();
    this.enqueue(() => this.commit());
    await this.work;
    await this.release();
    this.rethrow();
  }

  override abort(): void {
    const txn = this.txn;
    this.txn = undefined;
    void (async () => {
      await this.work.catch(() => {});
      await txn?.abort().catch(() => {});
      await this.release();
    })();
  }

  private enqueueSend(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.enqueue(() => this.send(batch));
  }

  private enqueue(op: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.failure === undefined) await op();
    }).catch((e) => {
      this.failure ??= e;
    });
  }

  /** Sends in pieces below the topic's limit, so that no batch the producer builds is too large. */
  private async send(batch: Buffered[]): Promise<void> {
    const target = this.exactlyOnce ? (this.txn ??= await this.producer!.transaction()) : this.producer!;
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
    const closing = [this.producer?.close(), this.admin?.close()];
    this.producer = this.admin = undefined;
    await Promise.all(closing.map((p) => p?.catch(() => {})));
  }
}
