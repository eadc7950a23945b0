import type { Row } from '../collector.js';
import { attribute } from '../errors.js';
import type { Operator, SourceOperator } from '../operator.js';
import type { SourceOutput } from '../time/source-output.js';
import { forEachElement, type Batch } from './batch.js';
import type { ChannelReceiver } from './channel.js';
import type { OperatorInput } from './chain-collectors.js';
import type { ExchangeWriter } from './exchange-writer.js';
import { IDLE_WATERMARK } from '../time/watermark-status.js';
import { WatermarkValve } from './watermark-valve.js';

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
  private inputEnded = false;

  constructor(
    readonly chainId: string,
    readonly subtaskIndex: number,
    readonly members: ChainMember[],
    private numChannels: number,
  ) {
    this.valve = new WatermarkValve(numChannels);
  }

  get ended(): boolean {
    return this.inputEnded;
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

  /** Delivers a batch from input-gate channel `channel`, element by element, in order. */
  processBatch(channel: number, batch: Batch): void {
    const head = this.head!;
    this.selectPort(channel);
    forEachElement(
      batch,
      (value, timestamp, key) => head.collect(value, timestamp, key),
      (wm) => this.receiveWatermark(channel, wm),
    );
    if (batch.end) this.receiveEndOfInput();
  }

  receiveRecord(channel: number, value: Row, timestamp: number, key: unknown): void {
    this.selectPort(channel);
    this.head!.collect(value, timestamp, key);
  }

  receiveWatermark(channel: number, watermark: number): void {
    const combined = this.valve.update(channel, watermark);
    if (combined !== undefined) this.head!.emitWatermark(combined);
    if (this.valve.takeIdleMarker()) this.head!.emitWatermark(IDLE_WATERMARK);
  }

  receiveEndOfInput(): void {
    if (++this.endedChannels === this.numChannels) this.endInput();
  }

  /** A bounded source ran dry: close event time, then end the chain. */
  endOfSource(): void {
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
