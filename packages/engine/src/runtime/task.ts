import type { Row } from '../collector.js';
import { estimateBytes } from '../state/size-estimate.js';
import { attribute } from '../errors.js';
import type { Operator, SourceOperator } from '../operator.js';
import type { SourceOutput } from '../time/source-output.js';
import { forEachElement, type Batch } from './batch.js';
import type { ChannelReceiver } from './channel.js';
import type { OperatorInput } from './chain-collectors.js';
import type { ExchangeWriter } from './exchange-writer.js';
import { IDLE_WATERMARK } from '../time/watermark-status.js';
import { WatermarkValve } from './watermark-valve.js';

/** What a task hands over once it has snapshotted its chain for checkpoint `checkpointId`. */
export interface TaskSnapshot {
  checkpointId: number;
  chainId: string;
  subtask: number;
  /**
   * `snapshotState(checkpointId)` of every chain member, in chain order: `state` when it returned
   * the state itself (undefined: stateless), `later` when it returned a promise (state written
   * asynchronously; attributed to the member when it rejects).
   */
  operators: Array<{ nodeId: string; state: unknown; later?: Promise<unknown> }>;
  /** From the first barrier to the last one (0 for a single input or a source). */
  alignmentMs: number;
  /**
   * Settles once every chain member's {@link Operator.prepareCommit} work is done (sinks flushing
   * a sealed transaction); undefined when none returned a promise. Acknowledge only after it
   * resolved; a rejection declines the checkpoint.
   */
  pending?: Promise<void>;
}

/** An element held back from a channel that already delivered the barrier (exactly-once alignment). */
/** Default of `config.checkpoints.maxAlignmentBytes`. */
export const DEFAULT_MAX_ALIGNMENT_BYTES = 64 * 1024 * 1024;
/** Per held record on top of its value: the wrapper object, timestamp and key slots. */
const HELD_RECORD_OVERHEAD = 48;

type Held = { t: 'r'; value: Row; timestamp: number; key: unknown } | { t: 'w'; wm: number } | { t: 'e' } | { t: 'b'; id: number };

/** One operator of a chain, with the id used to attribute its failures. */
export interface ChainMember {
  nodeId: string;
  operator: Operator;
}

/** What a source task adds: its source and the timestamp/watermark stage after it. */
export interface SourceParts {
  operator: SourceOperator;
  output: SourceOutput;
}

/**
 * One parallel subtask of a chain: the unit the scheduler runs (a worker thread later). It
 * receives records from its input channels, combines their watermarks, and notices when every
 * channel has ended; records flow through its operators by direct call.
 */
export class Task implements ChannelReceiver {
  readonly writers: ExchangeWriter[] = [];
  head: OperatorInput | undefined;
  source: SourceParts | undefined;
  private valve: WatermarkValve;
  private endedChannels = 0;
  private readonly channelEnded: Uint8Array;
  private inputEnded = false;
  /** `exactly-once` holds back what arrives behind barrier n until every channel delivered it. */
  checkpointMode: 'exactly-once' | 'at-least-once' = 'exactly-once';
  /** Receives the chain's snapshot; the runtime encodes, stores and acknowledges it. */
  onSnapshot: ((s: TaskSnapshot) => void) | undefined = undefined;
  private aligning: { id: number; seen: Uint8Array; count: number; startedAt: number; held: Held[][]; bytes: number } | undefined;
  /**
   * Cap on what an exactly-once alignment holds back (estimated heap bytes of held records): past
   * it the task gives the checkpoint up ({@link onDecline}) and processes the held records,
   * rather than letting memory grow while a slow channel's barrier is awaited (T9).
   */
  maxAlignmentBytes = DEFAULT_MAX_ALIGNMENT_BYTES;
  /** Told when this task gives a checkpoint up; the runtime declines it at the coordinator. */
  onDecline: ((checkpointId: number, reason: string, ending?: boolean) => void) | undefined = undefined;
  /** Highest checkpoint this task snapshotted or gave up; older barriers are ignored. */
  private lastCheckpoint = 0;

  constructor(
    readonly chainId: string,
    readonly subtaskIndex: number,
    readonly members: ChainMember[],
    private numChannels: number,
  ) {
    this.valve = new WatermarkValve(numChannels);
    this.channelEnded = new Uint8Array(numChannels);
  }

  get ended(): boolean {
    return this.inputEnded;
  }

  /**
   * A promise while an operator of this chain (a sink with writes in flight) must not get more
   * records ({@link Operator.backlog}); the runtime then holds the task's input until it settles.
   */
  backlog(): Promise<void> | undefined {
    const members = this.members;
    for (let i = members.length - 1; i >= 0; i--) {
      const wait = members[i]!.operator.backlog();
      if (wait !== undefined) return wait;
    }
    return undefined;
  }

  /** Whether an output channel waits for credit: the task must not take more input. */
  get blocked(): boolean {
    for (const w of this.writers) if (w.blocked) return true;
    return false;
  }

  /**
   * Set for a task headed by a two-input operator: which input port each input-gate channel
   * feeds. The operator learns the port of each record from it, whether the channel is local or
   * crosses workers.
   */
  inputPorts: { operator: { currentInput: number }; portOfChannel: number[] } | undefined = undefined;

  private selectPort(channel: number): void {
    const p = this.inputPorts;
    if (p !== undefined) p.operator.currentInput = p.portOfChannel[channel] ?? 0;
  }

  /**
   * Delivers a batch from input-gate channel `channel`, element by element, in order. The worker
   * runtime does not hand over batches of a channel held back by an alignment ({@link isBlocked}):
   * they wait in its queue with their credit (Flink's approach), so only direct-call channels buffer.
   */
  processBatch(channel: number, batch: Batch): void {
    const head = this.head!;
    this.selectPort(channel);
    forEachElement(
      batch,
      (value, timestamp, key) => head.collect(value, timestamp, key),
      (wm) => this.receiveWatermark(channel, wm),
    );
    if (batch.barrier !== undefined) this.receiveBarrier(channel, batch.barrier);
    if (batch.end) this.receiveEndOfInput(channel);
  }

  /**
   * Lets the head operator load the state of a batch's keys before {@link processBatch} (the disk
   * state backend reads them without blocking); undefined when there is nothing to wait for.
   */
  prepareBatch(batch: Batch): Promise<void> | undefined {
    if (batch.keys === null || batch.keys.length === 0) return undefined;
    const { nodeId, operator } = this.members[0]!;
    try {
      return operator.prepareBatch(batch.keys)?.catch((e: unknown) => Promise.reject(attribute(nodeId, e)));
    } catch (e) {
      throw attribute(nodeId, e);
    }
  }

  receiveRecord(channel: number, value: Row, timestamp: number, key: unknown): void {
    if (this.aligning?.held[channel] !== undefined) {
      const a = this.aligning;
      a.held[channel]!.push({ t: 'r', value, timestamp, key });
      a.bytes += estimateBytes(value) + HELD_RECORD_OVERHEAD;
      if (a.bytes > this.maxAlignmentBytes) {
        this.onDecline?.(a.id, `alignment held back more than ${this.maxAlignmentBytes} bytes of records (config.checkpoints.maxAlignmentBytes)`);
        this.releaseAlignment();
      }
      return;
    }
    this.selectPort(channel);
    this.head!.collect(value, timestamp, key);
  }

  receiveWatermark(channel: number, watermark: number): void {
    if (this.aligning?.held[channel] !== undefined) {
      this.aligning.held[channel].push({ t: 'w', wm: watermark });
      return;
    }
    const combined = this.valve.update(channel, watermark);
    if (combined !== undefined) this.head!.emitWatermark(combined);
    if (this.valve.takeIdleMarker()) this.head!.emitWatermark(IDLE_WATERMARK);
  }

  receiveEndOfInput(channel = 0): void {
    if (this.aligning?.held[channel] !== undefined) {
      this.aligning.held[channel].push({ t: 'e' });
      return;
    }
    if (this.channelEnded[channel]) return;
    this.channelEnded[channel] = 1;
    if (++this.endedChannels === this.numChannels) {
      // The last input ended while aligning: no more barriers can come, give the checkpoint up.
      if (this.aligning !== undefined) this.releaseAlignment();
      this.endInput();
      return;
    }
    // An ended channel will deliver no barrier: it no longer holds the alignment back.
    if (this.aligning !== undefined) this.maybeAligned();
  }

  /**
   * Checkpoint barrier `id` from input channel `channel` (Flink's barrier handlers). A task with
   * one input snapshots at once. With several, exactly-once mode holds back everything a channel
   * delivers after its barrier until every channel delivered it (Flink's aligned checkpoints; in
   * this runtime channels are direct calls, so "not consuming" means buffering); at-least-once
   * mode keeps processing and snapshots when the last barrier arrives. A barrier newer than the
   * one being aligned abandons the older checkpoint (it was aborted or will time out).
   */
  receiveBarrier(channel: number, id: number): void {
    const held = this.aligning?.held[channel];
    if (held !== undefined) {
      held.push({ t: 'b', id });
      return;
    }
    if (id <= this.lastCheckpoint) return;
    if (this.aligning !== undefined && id > this.aligning.id) this.releaseAlignment();
    // Replaying what was held may have started an alignment for an even newer barrier.
    if (this.aligning !== undefined && id < this.aligning.id) return;
    if (this.aligning === undefined) {
      this.aligning = { id, seen: new Uint8Array(this.numChannels), count: 0, startedAt: performance.now(), held: [], bytes: 0 };
    }
    const a = this.aligning;
    if (a.seen[channel]) return;
    a.seen[channel] = 1;
    a.count++;
    if (this.checkpointMode === 'exactly-once') a.held[channel] = [];
    this.maybeAligned();
  }

  /** Whether input channel `channel` is held back by an alignment (tests, metrics). */
  isBlocked(channel: number): boolean {
    return this.aligning?.held[channel] !== undefined;
  }

  private maybeAligned(): void {
    const a = this.aligning!;
    let pending = 0;
    for (let c = 0; c < this.numChannels; c++) if (!a.seen[c] && !this.channelEnded[c]) pending++;
    if (pending > 0) return;
    this.lastCheckpoint = a.id;
    this.snapshot(a.id, performance.now() - a.startedAt);
    this.releaseAlignment();
  }

  /** Ends the alignment and delivers what was held back, channel by channel, in order. */
  private releaseAlignment(): void {
    const a = this.aligning!;
    this.lastCheckpoint = Math.max(this.lastCheckpoint, a.id);
    this.aligning = undefined;
    a.held.forEach((list, channel) => {
      for (const h of list) {
        if (h.t === 'r') this.receiveRecord(channel, h.value, h.timestamp, h.key);
        else if (h.t === 'w') this.receiveWatermark(channel, h.wm);
        else if (h.t === 'e') this.receiveEndOfInput(channel);
        else this.receiveBarrier(channel, h.id);
      }
    });
  }

  /** Barriers the coordinator asked this source task to emit at its next poll boundary. */
  readonly pendingBarriers: number[] = [];
  /**
   * Stop-with-savepoint: the barrier after which this source task emits nothing more (Flink's
   * synchronous savepoint), so that a job restored from the savepoint neither repeats nor skips.
   */
  stopAtBarrier: number | undefined = undefined;
  /** The source emitted {@link stopAtBarrier}: the driver stops polling until {@link resume}. */
  parked = false;

  /** Emits the requested barriers (the source driver calls this between polls). */
  emitPendingBarriers(): void {
    while (this.pendingBarriers.length > 0) {
      const id = this.pendingBarriers.shift()!;
      this.triggerCheckpoint(id);
      if (id === this.stopAtBarrier) this.parked = true;
    }
  }

  /** The drained snapshot failed: the source goes on emitting. */
  resume(): void {
    this.stopAtBarrier = undefined;
    this.parked = false;
  }

  /**
   * A source task emits barrier `id`: snapshots its chain (the source's position included) and
   * sends the barrier downstream, between two polls. Returns false when the task already ended.
   */
  triggerCheckpoint(id: number): boolean {
    if (this.inputEnded) return false;
    this.lastCheckpoint = id;
    this.snapshot(id, 0);
    return true;
  }

  /**
   * The final checkpoint of a bounded job (FLIP-147), once every task has ended: nothing is in
   * flight, so the chain snapshots at once and no barrier goes downstream (every task gets this
   * call). Transactional sinks seal their last output here and publish it when the checkpoint
   * completes, so a crash while publishing is recovered from this checkpoint.
   */
  snapshotFinal(id: number): void {
    this.lastCheckpoint = Math.max(this.lastCheckpoint, id);
    this.snapshot(id, 0, false);
  }

  /** Snapshots every chain member, hands the snapshot over, then forwards the barrier. */
  private snapshot(id: number, alignmentMs: number, forward = true): void {
    const operators = this.members.map((m): TaskSnapshot['operators'][number] => {
      let state: unknown;
      try {
        state = m.operator.snapshotState(id);
      } catch (e) {
        throw attribute(m.nodeId, e);
      }
      if (!(state instanceof Promise)) return { nodeId: m.nodeId, state };
      const later = state.catch((e: unknown) => Promise.reject(attribute(m.nodeId, e)));
      // The runtime handles a rejection (it declines the checkpoint); this only keeps Node from
      // treating it as unhandled before the runtime's handler is attached.
      later.catch(() => undefined);
      return { nodeId: m.nodeId, state: undefined, later };
    });
    let pending: Array<Promise<void>> | undefined;
    for (const m of this.members) {
      let p: void | Promise<void>;
      try {
        p = m.operator.prepareCommit(id);
      } catch (e) {
        throw attribute(m.nodeId, e);
      }
      if (p !== undefined) (pending ??= []).push(p.catch((e: unknown) => Promise.reject(attribute(m.nodeId, e))));
    }
    const snapshot: TaskSnapshot = { checkpointId: id, chainId: this.chainId, subtask: this.subtaskIndex, operators, alignmentMs };
    if (pending !== undefined) snapshot.pending = Promise.all(pending).then(() => undefined);
    this.onSnapshot?.(snapshot);
    if (forward) for (const w of this.writers) w.emitBarrier(id);
  }

  /** Checkpoint `id` is durable: tells every chain member (two-phase-commit sinks commit here). */
  notifyCheckpointComplete(id: number): void {
    this.forEach((m) => m.operator.notifyCheckpointComplete(id));
  }

  /** A bounded source ran dry: close event time, then end the chain. */
  endOfSource(): void {
    // Barriers requested but never emitted: those checkpoints cannot complete, say so at once.
    for (const id of this.pendingBarriers.splice(0)) this.onDecline?.(id, `source ${this.chainId}/${this.subtaskIndex} reached the end of its input first`, true);
    this.source!.output.emitFinalWatermark();
    this.endInput();
  }

  /** Ends every operator head first (each can still emit), then tells the downstream tasks. */
  private endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.forEach((m) => m.operator.endInput());
    for (const w of this.writers) w.endOfInput();
  }

  async open(): Promise<void> {
    for (const m of this.members) {
      try {
        await m.operator.open();
      } catch (e) {
        throw attribute(m.nodeId, e);
      }
    }
  }

  onProcessingTime(now: number): void {
    if (this.inputEnded) return;
    this.source?.output.onProcessingTime(now);
    this.forEach((m) => m.operator.onProcessingTime(now));
  }

  flush(): void {
    for (const w of this.writers) w.flush();
  }

  async close(): Promise<void> {
    for (const m of this.members) {
      try {
        await m.operator.close();
      } catch (e) {
        throw attribute(m.nodeId, e);
      }
    }
  }

  /** Releases resources after a failure; never throws. */
  abort(): void {
    for (const m of this.members) {
      try {
        m.operator.abort();
      } catch {
        // The job already failed; the first error is the one reported.
      }
    }
  }

  private forEach(fn: (m: ChainMember) => void): void {
    for (const m of this.members) {
      try {
        fn(m);
      } catch (e) {
        throw attribute(m.nodeId, e);
      }
    }
  }
}
