import { ExpressionEvaluationError, parseDuration, RiffleError, type KafkaSourceParams, type OnErrorPolicy } from '@riffle/shared';
import type { Row } from '../collector.js';
import { OffsetOutOfRangeError, type FetchedPartition, type FetchedRecord, type KafkaAdmin, type KafkaClient, type OutgoingMessage, type PartitionReader } from '../connectors/kafka/client.js';
import { deadLetterMessage, deadLetterView } from '../connectors/kafka/dead-letter-topic.js';
import { IdempotentDeadLetters, TransactionalDeadLetters, type DeadLetterWriter } from '../connectors/kafka/dead-letter-writer.js';
import type { KafkaSinkSnapshot } from '../connectors/kafka/transactional-writer.js';
import { decodeRecord, RecordDecodeError } from '../connectors/kafka/decode.js';
import { createKafkaClient } from '../connectors/kafka/index.js';
import { PartitionWatermarks } from '../connectors/kafka/partition-watermarks.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import { END_OF_INPUT, SourceOperator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { SourceOutput } from '../time/source-output.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';

/** How error messages name a Kafka record. */
function kafkaPosition(topic: string, partition: number, offset: number): string {
  return `Kafka record ${topic}/${partition}@${offset} (topic "${topic}", partition ${partition}, offset ${offset})`;
}

/** Longest a fetch waits for data: also how long a stop may wait for the source. */
const FETCH_WAIT_MS = 100;
/** How often the positions are committed to `groupId` (for monitoring tools). */
const GROUP_COMMIT_MS = 5000;

/** What {@link KafkaSource.snapshotState} returns: the next offset to read, per partition. */
export interface KafkaSourceSnapshot {
  topic: string;
  offsets: Record<string, number>;
  /** The dead-letter topic's transactions (exactly-once jobs with a `dlqTopic`). */
  dlq?: KafkaSinkSnapshot;
}

interface Pending {
  partition: number;
  records: FetchedRecord[];
  next: number;
  nextOffset: number;
}

/**
 * Reads a Kafka topic. Subtask i of n reads the partitions p with p mod n = i, assigned
 * manually (no consumer-group rebalancing: the positions are this operator's state, which
 * checkpoints will store). `groupId` only receives commits of the positions, so lag monitoring
 * tools see the job. Event time is the `timestamp` param or the Kafka record timestamp;
 * watermarks are per partition (see {@link PartitionWatermarks}). Malformed records go to the
 * dead-letter output and, with `dlqTopic`, to a Kafka topic with their original bytes: in an
 * exactly-once job through transactions committed with the checkpoints (T17: no dead letter
 * twice after a restore), otherwise through an idempotent producer.
 */
export class KafkaSource extends SourceOperator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'kafka-offsets', kind: 'map', keyed: false }];
  private readonly timestamp: Accessor | undefined;
  private readonly boundMs: number;
  private readonly idleMs: number | undefined;
  private admin: KafkaAdmin | undefined;
  private reader: PartitionReader | undefined;
  private dlq: DeadLetterWriter | undefined;
  private restoredDlq: KafkaSinkSnapshot[] = [];
  private ended = false;
  private partitions: number[] = [];
  /** Next offset to emit, per partition (the state). */
  private readonly positions = new Map<number, number>();
  /** Next offset to fetch (ahead of `positions` while fetched records wait in `pending`). */
  private readonly fetchPositions = new Map<number, number>();
  private readonly endOffsets = new Map<number, number>();
  private bounds: Map<number, number> | undefined;
  private restored: Map<number, number> | undefined;
  private readonly pending: Pending[] = [];
  private dlqBatch: OutgoingMessage[] = [];
  private watermarks!: PartitionWatermarks;
  private lastWatermark = -Infinity;
  private lastGroupCommit = 0;
  private groupCommit: Promise<void> | undefined;
  /** Positions per checkpoint taken but not yet complete (only with a groupId). */
  private readonly checkpointed = new Map<number, Map<number, number>>();
  private lag = new Map<number, number>();
  /** Offset (and partition) of the record being emitted, undefined between records. */
  private emitting: number | undefined;
  private emittingPartition = 0;
  private readonly onError: OnErrorPolicy;
  private timestampPolicy!: ExpressionErrorPolicy;

  constructor(
    private readonly params: WithErrorPolicy<KafkaSourceParams>,
    ctx: OperatorContext,
  ) {
    super();
    this.onError = params.onError ?? 'dlq';
    this.timestamp = params.timestamp === undefined ? undefined : compileAccessor(params.timestamp, ctx.inputSchema);
    this.boundMs = parseDuration(params.watermark.maxOutOfOrderness) ?? 0;
    this.idleMs = params.watermark.idleTimeout === undefined ? undefined : parseDuration(params.watermark.idleTimeout);
    if (params.ratePerSec !== undefined) this.ratePerSec = params.ratePerSec / ctx.parallelism;
  }

  override setup(ctx: OperatorContext, out: SourceOutput): void {
    super.setup(ctx, out);
    this.timestampPolicy = new ExpressionErrorPolicy(this.onError, ctx);
    // Timestamps and per-partition watermarks are assigned here, not by the generic stage.
    if (out instanceof SourceOutput) out.useSourceTime();
    ctx.counters.partitionLag = this.lag;
    ctx.counters.bytesIn = 0;
  }

  override async open(): Promise<void> {
    const { params, ctx } = this;
    const client = createKafkaClient({ brokers: params.brokers, clientId: `riffle-${ctx.nodeId}-${ctx.subtaskIndex}` });
    this.admin = await client.admin();
    let all: number[];
    try {
      all = await this.admin.partitions(params.topic);
    } catch (e) {
      throw new RiffleError({ code: 'kafka_topic_unavailable', domain: 'user', retryable: true, message: `cannot read topic "${params.topic}": ${(e as Error).message}`, cause: e });
    }
    this.partitions = all.filter((p) => p % ctx.parallelism === ctx.subtaskIndex);
    const start = await this.startOffsets();
    for (const [p, at] of this.restored ?? []) start.set(p, at);
    for (const p of this.partitions) {
      const at = start.get(p) ?? 0;
      this.positions.set(p, at);
      this.fetchPositions.set(p, at);
    }
    const ends = (await this.admin.offsets(params.topic)).filter((o) => this.positions.has(o.partition));
    for (const o of ends) this.endOffsets.set(o.partition, o.high);
    if (params.bounded) this.bounds = new Map(ends.map((o) => [o.partition, o.high]));
    this.watermarks = new PartitionWatermarks(this.partitions, this.boundMs, this.idleMs, Date.now());
    for (const p of this.partitions) if (this.isDone(p)) this.watermarks.finish(p);
    if (this.partitions.length > 0) this.reader = await client.reader(params.topic);
    if (params.dlqTopic !== undefined) this.dlq = await this.openDeadLetters(client, params.dlqTopic);
    this.updateLag();
  }

  private async openDeadLetters(client: KafkaClient, topic: string): Promise<DeadLetterWriter> {
    const { ctx } = this;
    if (ctx.checkpointing !== true || ctx.checkpointMode === 'at-least-once') return new IdempotentDeadLetters(await client.producer(), topic);
    return TransactionalDeadLetters.open({
      client,
      // '.' cannot occur in node ids, so these ids never meet a sink's `riffle-<job>-<node>-…`.
      prefix: `riffle-${ctx.jobId}-${ctx.nodeId}.dlq`,
      topic,
      subtask: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      restored: this.restoredDlq,
      onAsyncFailure: (e) => ctx.fail?.(e),
    });
  }

  private async startOffsets(): Promise<Map<number, number>> {
    const { startFrom, topic, groupId } = this.params;
    const admin = this.admin!;
    if (typeof startFrom === 'object') return admin.offsetsForTimestamp(topic, startFrom.timestamp);
    const offsets = await admin.offsets(topic);
    const earliest = new Map(offsets.map((o) => [o.partition, o.low]));
    if (startFrom === 'latest') return new Map(offsets.map((o) => [o.partition, o.high]));
    if (startFrom === 'group') {
      const committed = await admin.committedOffsets(groupId!, topic);
      for (const [p, off] of committed) earliest.set(p, off);
    }
    return earliest;
  }

  async pollNext(max: number): Promise<number> {
    if (this.pending.length === 0) {
      if (this.partitions.every((p) => this.isDone(p))) {
        if (this.params.bounded) {
          this.ended = true;
          return END_OF_INPUT;
        }
        // No partitions here: this subtask never holds back the watermark.
        this.emitWatermark(Date.now());
        await new Promise((r) => setTimeout(r, FETCH_WAIT_MS));
        return 0;
      }
      await this.fetch();
    }
    const n = this.drain(max);
    this.emitWatermark(Date.now());
    if (this.dlqBatch.length > 0) {
      const batch = this.dlqBatch;
      this.dlqBatch = [];
      await this.dlq!.write(batch);
    }
    return n;
  }

  private async fetch(): Promise<void> {
    const wanted = new Map([...this.fetchPositions].filter(([p]) => !this.isDone(p)));
    let fetched: FetchedPartition[];
    try {
      fetched = await this.reader!.fetch(wanted, FETCH_WAIT_MS);
    } catch (e) {
      if (!(e instanceof OffsetOutOfRangeError)) throw e;
      const low = (await this.admin!.offsets(this.params.topic)).find((o) => o.partition === e.partition)?.low ?? 0;
      this.ctx.logger.warn('kafka offset out of range: resuming at the earliest available offset (records were lost to retention)', {
        nodeId: this.ctx.nodeId, topic: this.params.topic, partition: e.partition, from: this.fetchPositions.get(e.partition), to: low,
      });
      this.fetchPositions.set(e.partition, low);
      this.positions.set(e.partition, low);
      return;
    }
    for (const f of fetched) {
      this.endOffsets.set(f.partition, f.endOffset);
      this.fetchPositions.set(f.partition, f.nextOffset);
      const bound = this.bounds?.get(f.partition);
      const records = bound === undefined ? f.records : f.records.filter((r) => r.offset < bound);
      const nextOffset = bound === undefined ? f.nextOffset : Math.min(f.nextOffset, bound);
      this.pending.push({ partition: f.partition, records, next: 0, nextOffset });
    }
    // Nothing at all (not even empty partitions) means the reader hit a retriable error, e.g. the
    // broker is down: back off instead of spinning.
    if (fetched.length === 0) await new Promise((r) => setTimeout(r, FETCH_WAIT_MS));
  }

  /** Emits up to `max` fetched records; a partition's position moves past control records too. */
  private drain(max: number): number {
    const now = Date.now();
    let n = 0;
    while (n < max && this.pending.length > 0) {
      const chunk = this.pending[0]!;
      while (n < max && chunk.next < chunk.records.length) {
        const rec = chunk.records[chunk.next++]!;
        if (this.emitRecord(chunk.partition, rec, now)) n++;
        this.positions.set(chunk.partition, rec.offset + 1);
      }
      if (chunk.next < chunk.records.length) break;
      this.pending.shift();
      this.positions.set(chunk.partition, Math.max(this.positions.get(chunk.partition)!, chunk.nextOffset));
      if (this.isDone(chunk.partition)) this.watermarks.finish(chunk.partition);
    }
    this.updateLag();
    return n;
  }

  private emitRecord(partition: number, rec: FetchedRecord, now: number): boolean {
    this.ctx.counters.bytesIn! += (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
    let row: Row | undefined;
    let ts: number;
    try {
      row = decodeRecord(rec, this.params.format, this.params.fields);
      ts = this.eventTime(row, rec);
    } catch (e) {
      if (!(e instanceof RecordDecodeError)) throw e;
      // A timestamp expression that fails follows the node's onError; with dlq (and for
      // malformed input always, T17) the record is dead-lettered with its original bytes.
      if (row !== undefined && this.timestamp !== undefined && this.onError !== 'dlq') {
        this.timestampPolicy.handle(row, e, `timestamp = ${this.params.timestamp!}`, kafkaPosition(this.params.topic, partition, rec.offset));
        return false;
      }
      const origin = { nodeId: this.ctx.nodeId, topic: this.params.topic, partition };
      this.ctx.deadLetter(deadLetterView(rec, origin), new Error(`${this.params.topic}/${partition}@${rec.offset}: ${e.message}`));
      if (this.dlq !== undefined) this.dlqBatch.push(deadLetterMessage(rec, origin, e));
      return false;
    }
    this.watermarks.onRecord(partition, ts, now);
    this.emitting = rec.offset;
    this.emittingPartition = partition;
    try {
      this.out.collect(row, ts);
    } finally {
      this.emitting = undefined;
    }
    return true;
  }

  /** While a record is being emitted: its topic, partition and offset (for chained operators' errors). */
  override currentPosition(): string | undefined {
    return this.emitting === undefined ? undefined : kafkaPosition(this.params.topic, this.emittingPartition, this.emitting);
  }

  private eventTime(row: Row, rec: FetchedRecord): number {
    if (this.timestamp === undefined) {
      if (Number.isFinite(rec.timestamp) && rec.timestamp >= 0) return rec.timestamp;
      throw new RecordDecodeError('record has no timestamp', 'TIMESTAMP', 'MissingTimestamp');
    }
    let raw: unknown;
    try {
      raw = this.timestamp(row);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      throw new RecordDecodeError(`timestamp: ${e.message}`, 'TIMESTAMP', 'TimestampExpression');
    }
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      throw new RecordDecodeError(`timestamp is ${raw === undefined ? 'missing' : JSON.stringify(raw)}, expected epoch milliseconds`, 'TIMESTAMP', 'MissingTimestamp');
    }
    return raw;
  }

  private emitWatermark(now: number): void {
    const wm = this.watermarks.current(now);
    if (wm === undefined || wm <= this.lastWatermark) return;
    this.lastWatermark = wm;
    this.out.emitWatermark(wm);
  }

  private isDone(partition: number): boolean {
    const bound = this.bounds?.get(partition);
    return bound !== undefined && this.positions.get(partition)! >= bound;
  }

  private updateLag(): void {
    for (const p of this.partitions) {
      const end = this.endOffsets.get(p);
      if (end !== undefined) this.lag.set(p, Math.max(0, end - this.positions.get(p)!));
    }
  }

  override onProcessingTime(now: number): void {
    // With checkpoints, offsets go to the group when a checkpoint completes (see below).
    if (this.ctx.checkpointing === true || this.params.groupId === undefined || this.groupCommit !== undefined || now - this.lastGroupCommit < GROUP_COMMIT_MS) return;
    this.lastGroupCommit = now;
    this.groupCommit = this.commitToGroup(new Map(this.positions)).finally(() => (this.groupCommit = undefined));
  }

  /** Remembers the positions checkpoint `checkpointId` holds, to commit them once it completes. */
  override prepareCommit(checkpointId: number): undefined {
    if (this.params.groupId !== undefined) this.checkpointed.set(checkpointId, new Map(this.positions));
    return undefined;
  }

  /**
   * Commits the completed checkpoint's positions to `groupId` (Flink's Kafka source does the
   * same): lag tools then see what a restore would resume from. Monitoring only. Also commits
   * the dead-letter transactions sealed up to it.
   */
  override notifyCheckpointComplete(checkpointId: number): void {
    let offsets: Map<number, number> | undefined;
    for (const [id, o] of this.checkpointed) {
      if (id > checkpointId) continue;
      offsets = o;
      this.checkpointed.delete(id);
    }
    this.dlq?.committed(checkpointId);
    if (offsets === undefined) return;
    const commit = (this.groupCommit ?? Promise.resolve()).then(() => this.commitToGroup(offsets));
    this.groupCommit = commit;
    void commit.finally(() => {
      if (this.groupCommit === commit) this.groupCommit = undefined;
    });
  }

  private async commitToGroup(offsets: Map<number, number>): Promise<void> {
    try {
      await this.admin?.commitOffsets(this.params.groupId!, this.params.topic, offsets);
    } catch (e) {
      // Monitoring only: a failed commit must not fail the job.
      this.ctx.logger.warn('could not commit kafka offsets to the group', { nodeId: this.ctx.nodeId, groupId: this.params.groupId, error: String(e) });
    }
  }

  /** The positions, and in an exactly-once job the dead-letter transaction sealed here (resolves once flushed). */
  override snapshotState(checkpointId: number): KafkaSourceSnapshot | Promise<KafkaSourceSnapshot> {
    const state: KafkaSourceSnapshot = { topic: this.params.topic, offsets: Object.fromEntries(this.positions) };
    const dlq = this.dlq?.snapshot(checkpointId);
    if (dlq === undefined) return state;
    if (dlq instanceof Promise) return dlq.then((d) => ({ ...state, dlq: d }));
    return { ...state, dlq };
  }

  /** Seeks to the stored positions (before `open`, or while running: fetched records are dropped). */
  override restoreState(snapshot: unknown): void {
    const s = snapshot as KafkaSourceSnapshot;
    this.restored = new Map(Object.entries(s.offsets).map(([p, o]) => [Number(p), o]));
    if (this.reader === undefined) {
      this.restoredDlq = s.dlq === undefined ? [] : [s.dlq];
      return;
    }
    this.pending.length = 0;
    for (const p of this.partitions) {
      const at = this.restored.get(p);
      if (at === undefined) continue;
      this.positions.set(p, at);
      this.fetchPositions.set(p, at);
    }
  }

  override async close(): Promise<void> {
    await this.groupCommit;
    if (this.params.groupId !== undefined) await this.commitToGroup(new Map(this.positions));
    const dlq = this.dlq;
    this.dlq = undefined;
    try {
      await dlq?.close(this.ended);
    } finally {
      await this.release();
    }
  }

  override abort(): void {
    this.dlq?.abort();
    this.dlq = undefined;
    void this.release();
  }

  private async release(): Promise<void> {
    const closing = [this.reader?.close(), this.admin?.close()];
    this.reader = this.admin = undefined;
    await Promise.all(closing.map((p) => p?.catch(() => {})));
  }
}
