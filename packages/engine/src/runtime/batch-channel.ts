import type { Row } from '../collector.js';
import type { Batch } from './batch.js';
import type { OutputChannel } from './channel.js';

/** Records per batch: large enough to amortize a postMessage, small enough to keep latency low. */
export const BATCH_RECORDS = 1000;
/** A partly filled batch is sent once it is this old (at the next flush), so low rates stay low-latency. */
export const LINGER_MS = 5;
/**
 * Batches a producer may have in flight per channel before it must wait for the consumer. A
 * credit returns only when the consumer's thread gets to it (after its current slice of work), so
 * this must cover a round trip at full rate: with 4 the keyed benchmark at p=2 stalled at ~0.6 M/s.
 */
export const INITIAL_CREDITS = 16;

/** Moves a sealed batch to the consumer (same thread: by reference; other worker: encoded). */
export type BatchSender = (batch: Batch) => void;

/**
 * The sending end of one channel with credit-based flow control (Flink's credit-based network
 * stack): records accumulate into a batch; a sealed batch is sent only against a credit, one
 * credit per batch, and the consumer returns the credit once it has processed the batch. Without
 * credit, sealed batches wait here and the channel reports `blocked`, which stops the producing
 * task from taking more input — so a slow consumer slows its producers instead of growing memory.
 */
export class BatchChannel implements OutputChannel {
  private values: Row[] = [];
  private timestamps: number[] = [];
  private keys: unknown[] = [];
  private hasKeys = false;
  private marks: number[] = [];
  private openedAt = 0;
  private readonly waiting: Batch[] = [];
  private waitingRecords = 0;
  /** Records sent and not yet acknowledged (credited back) by the consumer. */
  inFlightRecords = 0;
  private readonly inFlightSizes: number[] = [];

  constructor(
    private readonly send: BatchSender,
    private credits = INITIAL_CREDITS,
    private readonly batchRecords = BATCH_RECORDS,
  ) {}

  /** Sealed batches wait for credit: the producer must not take more input. */
  get blocked(): boolean {
    return this.waiting.length > 0;
  }

  /** Records held here (open batch and batches waiting for credit) plus those in flight. */
  get bufferedRecords(): number {
    return this.values.length + this.waitingRecords + this.inFlightRecords;
  }

  get queuedBatches(): number {
    return this.waiting.length;
  }

  writeRecord(value: Row, timestamp: number, key: unknown): void {
    if (this.values.length === 0 && this.marks.length === 0) this.openedAt = performance.now();
    this.values.push(value);
    this.timestamps.push(timestamp);
    this.keys.push(key);
    if (key !== undefined) this.hasKeys = true;
    if (this.values.length >= this.batchRecords) this.seal(false);
  }

  writeWatermark(watermark: number): void {
    const m = this.marks;
    if (this.values.length === 0 && m.length === 0) this.openedAt = performance.now();
    // Consecutive watermarks with no record between them: only the latest matters.
    if (m.length > 0 && m[m.length - 2] === this.values.length) m[m.length - 1] = watermark;
    else m.push(this.values.length, watermark);
  }

  writeEndOfInput(): void {
    this.seal(true);
  }

  /**
   * Seals the open batch (even an empty one) with the barrier at its end: it goes out in order
   * with the records, against a credit like any batch, without waiting for the linger time.
   */
  writeBarrier(checkpointId: number): void {
    this.seal(false, checkpointId);
  }

  /** Sends the open batch once it has lingered long enough (and credit allows). */
  flush(): void {
    if (this.values.length === 0 && this.marks.length === 0) return;
    if (this.waiting.length > 0 || this.credits === 0) return;
    if (performance.now() - this.openedAt >= LINGER_MS) this.seal(false);
  }

  /** The consumer processed `n` batches. */
  addCredits(n: number): void {
    this.credits += n;
    for (let i = 0; i < n && this.inFlightSizes.length > 0; i++) this.inFlightRecords -= this.inFlightSizes.shift()!;
    while (this.credits > 0 && this.waiting.length > 0) {
      const b = this.waiting.shift()!;
      this.waitingRecords -= b.values.length;
      this.transmit(b);
    }
  }

  private seal(end: boolean, barrier?: number): void {
    const batch: Batch = { values: this.values, timestamps: this.timestamps, keys: this.hasKeys ? this.keys : null, marks: this.marks, end };
    if (barrier !== undefined) batch.barrier = barrier;
    this.values = [];
    this.timestamps = [];
    this.keys = [];
    this.hasKeys = false;
    this.marks = [];
    if (this.waiting.length === 0 && this.credits > 0) this.transmit(batch);
    else {
      this.waiting.push(batch);
      this.waitingRecords += batch.values.length;
    }
  }

  private transmit(batch: Batch): void {
    this.credits--;
    this.inFlightRecords += batch.values.length;
    this.inFlightSizes.push(batch.values.length);
    this.send(batch);
  }
}
