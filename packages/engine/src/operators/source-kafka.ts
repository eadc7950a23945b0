import { ExpressionEvaluationError, parseDuration, RiffleError, topicMatches, type KafkaSourceParams, type OnErrorPolicy } from '@riffle/shared';
import type { Row } from '../collector.js';
import { OffsetOutOfRangeError, type FetchedPartition, type FetchedRecord, type KafkaAdmin, type KafkaClient, type OutgoingMessage, type PartitionOffsets, type PartitionReader } from '../connectors/kafka/client.js';
import { deadLetterMessage, deadLetterView } from '../connectors/kafka/dead-letter-topic.js';
import { IdempotentDeadLetters, TransactionalDeadLetters, type DeadLetterWriter } from '../connectors/kafka/dead-letter-writer.js';
import type { KafkaSinkSnapshot } from '../connectors/kafka/transactional-writer.js';
import { decodeRecord, RecordDecodeError } from '../connectors/kafka/decode.js';
import { createKafkaClient } from '../connectors/kafka/index.js';
import { PartitionWatermarks } from '../connectors/kafka/partition-watermarks.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import { END_OF_INPUT, SourceOperator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { SourceOutput } from '../time/source-output.js';
import { IDLE_WATERMARK } from '../time/watermark-status.js';
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
  /** The topic read (a source with `topicPattern`: the pattern). */
  topic: string;
  /** Next offset per partition of `topic` (a source reading one topic; empty with a pattern). */
  offsets: Record<string, number>;
  /** A source with `topicPattern`: next offset per partition of each topic it read. */
  topics?: Record<string, Record<string, number>>;
  /** The dead-letter topic's transactions (exactly-once jobs with a `dlqTopic`). */
  dlq?: KafkaSinkSnapshot;
}

/** One partition of one topic that this subtask reads (Flink's split). */
interface Split {
  readonly topic: string;
  readonly partition: number;
  /** Its slot in the per-partition watermarks. */
  readonly slot: number;
  /** Next offset to emit: the state. */
  position: number;
  /** Next offset to fetch (ahead of `position` while fetched records wait in `pending`). */
  fetchPosition: number;
  /** Bounded mode: the log end seen at start, where reading stops. */
  bound: number | undefined;
  /** What the metrics read: the log end minus the position. */
  readonly lag: { topic: string; partition: number; lag: number };
}

interface Pending {
  split: Split;
  records: FetchedRecord[];
  next: number;
  nextOffset: number;
  /** The partition's log end when fetched (for the lag). */
  end: number;
}

/** Flink's Kafka split assignment: a topic's partitions go round-robin from a start the topic's name picks. */
function ownerOf(topic: string, partition: number, parallelism: number, byName: boolean): number {
  if (!byName) return partition % parallelism;
  let h = 0;
  for (let i = 0; i < topic.length; i++) h = (Math.imul(h, 31) + topic.charCodeAt(i)) | 0;
  const start = (Math.imul(h, 31) & 0x7fffffff) % parallelism;
  return (start + partition) % parallelism;
}

/**
 * Reads a Kafka topic, or every topic whose name matches `topicPattern`. Each partition (split)
 * goes to one subtask: partition p of the one topic to subtask p mod n; with a pattern, round-robin
 * from a start picked by the topic's name (as Flink's Kafka source assigns them), assigned
 * manually (no consumer-group rebalancing: the positions are this operator's state, which
 * checkpoints store). Every `partitionDiscovery` an unbounded source looks for new partitions and
 * matching topics and reads them from their earliest offset. `groupId` only receives commits of
 * the positions, so lag monitoring tools see the job. Event time is the `timestamp` param or the
 * Kafka record timestamp; watermarks are per partition (see {@link PartitionWatermarks}).
 * Malformed records go to the dead-letter output and, with `dlqTopic`, to a Kafka topic with their
 * original bytes: in an exactly-once job through transactions committed with the checkpoints
 * (T17: no dead letter twice after a restore), otherwise through an idempotent producer.
 */
export class KafkaSource extends SourceOperator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'kafka-offsets', kind: 'map', keyed: false }];
  private readonly timestamp: Accessor | undefined;
  private readonly boundMs: number;
  private readonly idleMs: number | undefined;
  private readonly discoveryMs: number;
  /** `topicPattern` (RE2, whole names). */
  private readonly pattern: string | undefined;
  private client: KafkaClient | undefined;
  private admin: KafkaAdmin | undefined;
  private dlq: DeadLetterWriter | undefined;
  private restoredDlq: KafkaSinkSnapshot[] = [];
  private ended = false;
  private readonly splits: Split[] = [];
  /** The splits per topic, by partition, and each topic's reader. */
  private readonly topics = new Map<string, { splits: Map<number, Split>; reader: PartitionReader | undefined }>();
  /** Restored positions per topic and partition (applied in `open`). */
  private restored: Map<string, Map<number, number>> | undefined;
  private readonly pending: Pending[] = [];
  private dlqBatch: OutgoingMessage[] = [];
  private watermarks!: PartitionWatermarks;
  private lastWatermark = -Infinity;
  private idleSent = false;
  private lastGroupCommit = 0;
  private groupCommit: Promise<void> | undefined;
  private lastDiscovery = 0;
  private discovery: Promise<void> | undefined;
  /** Positions per checkpoint taken but not yet complete (only with a groupId). */
  private readonly checkpointed = new Map<number, Map<string, Map<number, number>>>();
  private readonly lag = new Map<string, { topic: string; partition: number; lag: number }>();
  /** Offset (and split) of the record being emitted, undefined between records. */
  private emitting: number | undefined;
  private emittingSplit: Split | undefined;
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
    this.discoveryMs = params.bounded ? 0 : (parseDuration(params.partitionDiscovery ?? '5m') ?? 0);
    this.pattern = params.topicPattern;
    if (params.ratePerSec !== undefined) this.ratePerSec = params.ratePerSec / ctx.parallelism;
  }

  /** How the state and messages name what this source reads. */
  private get subscription(): string {
    return this.params.topic ?? this.params.topicPattern!;
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
    this.client = createKafkaClient({ brokers: params.brokers, clientId: `riffle-${ctx.nodeId}-${ctx.subtaskIndex}` });
    this.admin = await this.client.admin();
    const now = Date.now();
    this.watermarks = new PartitionWatermarks([], this.boundMs, this.idleMs, now);
    // Restoring, a partition the checkpoint does not know is new since: read it from its start.
    const restoring = this.restored !== undefined;
    for (const topic of await this.matchingTopics()) {
      const restored = this.restored?.get(topic);
      await this.addTopic(topic, await this.admin.partitions(topic), (p) => restored?.get(p), now, restoring);
    }
    this.lastDiscovery = now;
    if (params.dlqTopic !== undefined) this.dlq = await this.openDeadLetters(this.client, params.dlqTopic);
  }

  /** The topic, checked to exist (its partitions are read); or the topics the pattern matches now. */
  private async matchingTopics(): Promise<string[]> {
    const { params } = this;
    try {
      if (this.pattern === undefined) {
        await this.admin!.partitions(params.topic!);
        return [params.topic!];
      }
      return (await this.admin!.topics()).filter((t) => topicMatches(this.pattern!, t) && t !== params.dlqTopic);
    } catch (e) {
      throw new RiffleError({ code: 'kafka_topic_unavailable', domain: 'user', retryable: true, message: `cannot read topic "${this.subscription}": ${(e as Error).message}`, cause: e });
    }
  }

  /**
   * Starts reading this subtask's share of `partitions` of `topic` (those it does not read yet):
   * at the restored position, else at `startFrom` for topics seen when the job starts, else (found
   * by discovery) at the earliest offset.
   */
  private async addTopic(topic: string, partitions: number[], restoredAt: (p: number) => number | undefined, now: number, fromEarliest: boolean): Promise<void> {
    const { ctx, params } = this;
    const known = this.topics.get(topic);
    const mine = partitions.filter((p) => ownerOf(topic, p, ctx.parallelism, this.pattern !== undefined) === ctx.subtaskIndex && !known?.splits.has(p));
    if (mine.length === 0 && known !== undefined) return;
    const offsets = await this.admin!.offsets(topic);
    const start = fromEarliest ? new Map(offsets.map((o) => [o.partition, o.low])) : await this.startOffsets(topic, offsets);
    const entry = known ?? { splits: new Map<number, Split>(), reader: undefined };
    this.topics.set(topic, entry);
    for (const partition of mine) {
      const at = restoredAt(partition) ?? start.get(partition) ?? 0;
      const end = offsets.find((o) => o.partition === partition)?.high;
      const split: Split = {
        topic, partition, slot: this.splits.length, position: at, fetchPosition: at,
        bound: params.bounded ? end : undefined,
        lag: { topic, partition, lag: Math.max(0, (end ?? at) - at) },
      };
      this.splits.push(split);
      entry.splits.set(partition, split);
      this.lag.set(`${topic}/${partition}`, split.lag);
      this.watermarks.add(split.slot, now);
      if (this.isDone(split)) this.watermarks.finish(split.slot);
    }
    if (entry.reader === undefined && entry.splits.size > 0) entry.reader = await this.client!.reader(topic);
    if (this.lastDiscovery > 0 && mine.length > 0) {
      ctx.logger.info('kafka source: reading new partitions from their earliest offset', { nodeId: ctx.nodeId, topic, partitions: mine });
    }
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

  private async startOffsets(topic: string, offsets: PartitionOffsets[]): Promise<Map<number, number>> {
    const { startFrom, groupId } = this.params;
    if (typeof startFrom === 'object') return this.admin!.offsetsForTimestamp(topic, startFrom.timestamp);
    if (startFrom === 'latest') return new Map(offsets.map((o) => [o.partition, o.high]));
    const earliest = new Map(offsets.map((o) => [o.partition, o.low]));
    if (startFrom === 'group') {
      const committed = await this.admin!.committedOffsets(groupId!, topic);
      for (const [p, off] of committed) earliest.set(p, off);
    }
    return earliest;
  }

  async pollNext(max: number): Promise<number> {
    this.maybeDiscover(Date.now());
    if (this.pending.length === 0) {
      if (this.splits.every((s) => this.isDone(s))) {
        if (this.params.bounded) {
          this.ended = true;
          return END_OF_INPUT;
        }
        // Nothing to read here (yet): idle, so this subtask does not hold back the watermark.
        if (this.splits.length === 0 && !this.idleSent) {
          this.idleSent = true;
          this.out.emitWatermark(IDLE_WATERMARK);
        }
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

  /** Every `partitionDiscovery`: new partitions, and with a pattern new matching topics (in the background). */
  private maybeDiscover(now: number): void {
    if (this.discoveryMs <= 0 || this.discovery !== undefined || now - this.lastDiscovery < this.discoveryMs) return;
    this.lastDiscovery = now;
    this.discovery = this.discover(now)
      .catch((e) => this.ctx.logger.warn('kafka partition discovery failed; trying again later', { nodeId: this.ctx.nodeId, error: String(e) }))
      .finally(() => (this.discovery = undefined));
  }

  private async discover(now: number): Promise<void> {
    for (const topic of await this.matchingTopics()) {
      await this.addTopic(topic, await this.admin!.partitions(topic), () => undefined, now, true);
    }
  }

  private async fetch(): Promise<void> {
    const rounds = [...this.topics].map(([topic, t]) => this.fetchTopic(topic, t.splits, t.reader));
    const fetched = (await Promise.all(rounds)).reduce((n, k) => n + k, 0);
    // Nothing at all (not even empty partitions) means the reader hit a retriable error, e.g. the
    // broker is down: back off instead of spinning.
    if (fetched === 0) await new Promise((r) => setTimeout(r, FETCH_WAIT_MS));
  }

  /** One fetch round of one topic's splits; returns how many partitions answered. */
  private async fetchTopic(topic: string, splits: Map<number, Split>, reader: PartitionReader | undefined): Promise<number> {
    const wanted = new Map<number, number>();
    for (const s of splits.values()) if (!this.isDone(s)) wanted.set(s.partition, s.fetchPosition);
    if (reader === undefined || wanted.size === 0) return 0;
    let fetched: FetchedPartition[];
    try {
      fetched = await reader.fetch(wanted, FETCH_WAIT_MS);
    } catch (e) {
      if (!(e instanceof OffsetOutOfRangeError)) throw e;
      const split = splits.get(e.partition)!;
      const low = (await this.admin!.offsets(topic)).find((o) => o.partition === e.partition)?.low ?? 0;
      this.ctx.logger.warn('kafka offset out of range: resuming at the earliest available offset (records were lost to retention)', {
        nodeId: this.ctx.nodeId, topic, partition: e.partition, from: split.fetchPosition, to: low,
      });
      split.fetchPosition = split.position = low;
      return 1;
    }
    for (const f of fetched) {
      const split = splits.get(f.partition)!;
      split.lag.lag = Math.max(0, f.endOffset - split.position);
      split.fetchPosition = f.nextOffset;
      const bound = split.bound;
      const records = bound === undefined ? f.records : f.records.filter((r) => r.offset < bound);
      const nextOffset = bound === undefined ? f.nextOffset : Math.min(f.nextOffset, bound);
      this.pending.push({ split, records, next: 0, nextOffset, end: f.endOffset });
    }
    return fetched.length;
  }

  /** Emits up to `max` fetched records; a partition's position moves past control records too. */
  private drain(max: number): number {
    const now = Date.now();
    let n = 0;
    while (n < max && this.pending.length > 0) {
      const chunk = this.pending[0]!;
      const split = chunk.split;
      while (n < max && chunk.next < chunk.records.length) {
        const rec = chunk.records[chunk.next++]!;
        if (this.emitRecord(split, rec, now)) n++;
        split.position = rec.offset + 1;
      }
      const consumed = chunk.next >= chunk.records.length;
      if (consumed) {
        this.pending.shift();
        split.position = Math.max(split.position, chunk.nextOffset);
      }
      split.lag.lag = Math.max(0, chunk.end - split.position);
      if (!consumed) break;
      if (this.isDone(split)) this.watermarks.finish(split.slot);
    }
    return n;
  }

  private emitRecord(split: Split, rec: FetchedRecord, now: number): boolean {
    this.ctx.counters.bytesIn! += (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
    const { topic, partition } = split;
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
        this.timestampPolicy.handle(row, e, `timestamp = ${this.params.timestamp!}`, kafkaPosition(topic, partition, rec.offset));
        return false;
      }
      const origin = { nodeId: this.ctx.nodeId, topic, partition };
      this.ctx.deadLetter(deadLetterView(rec, origin), new Error(`${topic}/${partition}@${rec.offset}: ${e.message}`));
      if (this.dlq !== undefined) this.dlqBatch.push(deadLetterMessage(rec, origin, e));
      return false;
    }
    this.watermarks.onRecord(split.slot, ts, now);
    this.emitting = rec.offset;
    this.emittingSplit = split;
    try {
      this.out.collect(row, ts);
    } finally {
      this.emitting = undefined;
    }
    // intervalMs 0: the watermark follows each record, so which records are late depends on the
    // topic's order only, not on how the fetches happened to batch it.
    if (this.params.watermark.intervalMs === 0) this.emitWatermark(now);
    return true;
  }

  /** While a record is being emitted: its topic, partition and offset (for chained operators' errors). */
  override currentPosition(): string | undefined {
    const s = this.emittingSplit;
    return this.emitting === undefined || s === undefined ? undefined : kafkaPosition(s.topic, s.partition, this.emitting);
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
    this.idleSent = false;
    this.out.emitWatermark(wm);
  }

  private isDone(split: Split): boolean {
    return split.bound !== undefined && split.position >= split.bound;
  }

  /** The positions per topic and partition. */
  private positions(): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    for (const [topic, t] of this.topics) out.set(topic, new Map([...t.splits].map(([p, s]) => [p, s.position])));
    return out;
  }

  override onProcessingTime(now: number): void {
    // With checkpoints, offsets go to the group when a checkpoint completes (see below).
    if (this.ctx.checkpointing === true || this.params.groupId === undefined || this.groupCommit !== undefined || now - this.lastGroupCommit < GROUP_COMMIT_MS) return;
    this.lastGroupCommit = now;
    this.groupCommit = this.commitToGroup(this.positions()).finally(() => (this.groupCommit = undefined));
  }

  /** Remembers the positions checkpoint `checkpointId` holds, to commit them once it completes. */
  override prepareCommit(checkpointId: number): undefined {
    if (this.params.groupId !== undefined) this.checkpointed.set(checkpointId, this.positions());
    return undefined;
  }

  /**
   * Commits the completed checkpoint's positions to `groupId` (Flink's Kafka source does the
   * same): lag tools then see what a restore would resume from. Monitoring only. Also commits
   * the dead-letter transactions sealed up to it.
   */
  override notifyCheckpointComplete(checkpointId: number): void {
    let offsets: Map<string, Map<number, number>> | undefined;
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

  private async commitToGroup(positions: Map<string, Map<number, number>>): Promise<void> {
    try {
      for (const [topic, offsets] of positions) if (offsets.size > 0) await this.admin?.commitOffsets(this.params.groupId!, topic, offsets);
    } catch (e) {
      // Monitoring only: a failed commit must not fail the job.
      this.ctx.logger.warn('could not commit kafka offsets to the group', { nodeId: this.ctx.nodeId, groupId: this.params.groupId, error: String(e) });
    }
  }

  /** The positions, and in an exactly-once job the dead-letter transaction sealed here (resolves once flushed). */
  override snapshotState(checkpointId: number): KafkaSourceSnapshot | Promise<KafkaSourceSnapshot> {
    const positions = this.positions();
    const state: KafkaSourceSnapshot =
      this.pattern === undefined
        ? { topic: this.subscription, offsets: Object.fromEntries(positions.get(this.subscription) ?? []) }
        : { topic: this.subscription, offsets: {}, topics: Object.fromEntries([...positions].map(([t, o]) => [t, Object.fromEntries(o)])) };
    const dlq = this.dlq?.snapshot(checkpointId);
    if (dlq === undefined) return state;
    if (dlq instanceof Promise) return dlq.then((d) => ({ ...state, dlq: d }));
    return { ...state, dlq };
  }

  /** Seeks to the stored positions (before `open`, or while running: fetched records are dropped). */
  override restoreState(snapshot: unknown): void {
    const s = snapshot as KafkaSourceSnapshot;
    this.restored = positionsOf([s]);
    if (this.admin === undefined) {
      this.restoredDlq = s.dlq === undefined ? [] : [s.dlq];
      return;
    }
    this.pending.length = 0;
    for (const split of this.splits) {
      const at = this.restored.get(split.topic)?.get(split.partition);
      if (at !== undefined) split.position = split.fetchPosition = at;
    }
  }

  /**
   * Restored at another parallelism: the positions of all old subtasks together (their partitions
   * are disjoint; `open` keeps those of the partitions this subtask now reads, as Flink's Kafka
   * source reassigns its splits), and old subtask i's dead-letter transactions go to new subtask
   * i mod parallelism, which commits or aborts them.
   */
  override restoreRescaled(snapshots: unknown[]): void {
    const { parallelism, subtaskIndex } = this.ctx;
    const old = snapshots as Array<KafkaSourceSnapshot | undefined>;
    this.restored = positionsOf(old);
    this.restoredDlq = old.flatMap((s, i) => (s?.dlq !== undefined && i % parallelism === subtaskIndex ? [s.dlq] : []));
  }

  override async close(): Promise<void> {
    await this.discovery;
    await this.groupCommit;
    if (this.params.groupId !== undefined) await this.commitToGroup(this.positions());
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
    const closing = [...[...this.topics.values()].map((t) => t.reader?.close()), this.admin?.close()];
    for (const t of this.topics.values()) t.reader = undefined;
    this.admin = undefined;
    await Promise.all(closing.map((p) => p?.catch(() => {})));
  }
}

/** Positions per topic and partition from snapshots (a one-topic snapshot names its topic). */
function positionsOf(snapshots: Array<KafkaSourceSnapshot | undefined>): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  const add = (topic: string, offsets: Record<string, number>) => {
    const m = out.get(topic) ?? new Map<number, number>();
    for (const [p, o] of Object.entries(offsets)) m.set(Number(p), o);
    out.set(topic, m);
  };
  for (const s of snapshots) {
    if (s === undefined) continue;
    if (s.topics !== undefined) for (const [t, o] of Object.entries(s.topics)) add(t, o);
    else add(s.topic, s.offsets);
  }
  return out;
}
