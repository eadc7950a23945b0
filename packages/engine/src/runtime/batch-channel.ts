import type { Row } from '../collector.js';
import { raiseBound, type Batch } from './batch.js';
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

/**
 * Turns a sealed batch into what travels to the consumer (across workers: its encoded bytes).
 * Called at once when the batch is sealed: the batch's timestamp and key arrays are the channel's
 * own and are written again for the next batch.
 */
export type BatchPacker<P> = (batch: Batch) => P;
/** Moves a packed batch to the consumer. */
export type BatchSender<P> = (payload: P) => void;

/**
 * The sending end of one channel with credit-based flow control (Flink's credit-based network
 * stack): records accumulate into a batch; a sealed batch is sent only against a credit, one
 * credit per batch, and the consumer returns the credit once it has processed the batch. Without
 * credit, sealed batches wait here and the channel reports `blocked`, which stops the producing
 * task from taking more input — so a slow consumer slows its producers instead of growing memory.
 *
 * A batch is packed (encoded) as soon as it is sealed, so batches waiting for credit hold bytes,
 * not records, and the timestamp and key columns are written into typed arrays owned by the
 * channel and reused for every batch (profiled at p=2: growing fresh arrays by `push` was the
 * largest allocation of the exchange, ~80 bytes per record).
 */
export class BatchChannel<P = Uint8Array> implements OutputChannel {
  private values: Row[];
  private count = 0;
  private readonly timestamps: Float64Array;
  /** Keys while every key of the open batch is a number (the common keyed stream). */
  private readonly numberKeys: Float64Array;
  /** Keys once one is not a number (strings, booleans, undefined among defined ones). */
  private keys: unknown[] | null = null;
  private hasKeys = false;
  private marks: number[] = [];
  private openedAt = 0;
  private readonly waiting: Array<{ payload: P; records: number }> = [];
  private waitingRecords = 0;
  /** Records sent and not yet acknowledged (credited back) by the consumer. */
  inFlightRecords = 0;
  private readonly inFlightSizes: number[] = [];
  /**
   * The highest watermark written to this channel before the open batch; +∞ once it was marked
   * idle. The consumer's watermark can never be ahead of the one in effect when a record was
   * written (it is the minimum over its channels, and a channel's elements arrive in order), so a
   * record with a later timestamp cannot be late there; `encodeBatch` applies the batch's own
   * watermarks record by record on top of this. After an idle marker that no longer holds (the
   * consumer leaves an idle channel out of its minimum), hence +∞ for good: no record is safe.
   */
  watermarkBound = -Infinity;

  constructor(
    private readonly pack: BatchPacker<P>,
    private readonly send: BatchSender<P>,
    private credits = INITIAL_CREDITS,
    private readonly batchRecords = BATCH_RECORDS,
  ) {
    this.values = new Array<Row>(batchRecords);
    this.timestamps = new Float64Array(batchRecords);
    this.numberKeys = new Float64Array(batchRecords);
  }

  /** Sealed batches wait for credit: the producer must not take more input. */
  get blocked(): boolean {
    return this.waiting.length > 0;
  }

  /** Records held here (open batch and batches waiting for credit) plus those in flight. */
  get bufferedRecords(): number {
    return this.count + this.waitingRecords + this.inFlightRecords;
  }

  get queuedBatches(): number {
    return this.waiting.length;
  }

  writeRecord(value: Row, timestamp: number, key: unknown): void {
    const i = this.count;
    if (i === 0 && this.marks.length === 0) this.openedAt = performance.now();
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    if (this.keys !== null) this.keys[i] = key;
    else if (typeof key === 'number' && (this.hasKeys || i === 0)) {
      this.numberKeys[i] = key;
      this.hasKeys = true;
    } else if (key !== undefined || this.hasKeys) this.keysToArray(i, key);
    this.count = i + 1;
    if (i + 1 >= this.batchRecords) this.seal(false);
  }

  /**
   * A key that is not a number, or keys mixed with undefined ones: the batch's keys so far move
   * to a plain array (before the first defined key they were all undefined).
   */
  private keysToArray(i: number, key: unknown): void {
    const keys = new Array<unknown>(this.batchRecords);
    for (let j = 0; j < i; j++) keys[j] = this.hasKeys ? this.numberKeys[j] : undefined;
    keys[i] = key;
    this.keys = keys;
    this.hasKeys = true;
  }

  writeWatermark(watermark: number): void {
    const m = this.marks;
    if (this.count === 0 && m.length === 0) this.openedAt = performance.now();
    // Consecutive watermarks with no record between them: only the latest matters.
    if (m.length > 0 && m[m.length - 2] === this.count) m[m.length - 1] = watermark;
    else m.push(this.count, watermark);
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
    if (this.count === 0 && this.marks.length === 0) return;
    if (this.waiting.length > 0 || this.credits === 0) return;
    if (performance.now() - this.openedAt >= LINGER_MS) this.seal(false);
  }

  /** The consumer processed `n` batches. */
  addCredits(n: number): void {
    this.credits += n;
    for (let i = 0; i < n && this.inFlightSizes.length > 0; i++) this.inFlightRecords -= this.inFlightSizes.shift()!;
    while (this.credits > 0 && this.waiting.length > 0) {
      const w = this.waiting.shift()!;
      this.waitingRecords -= w.records;
      this.transmit(w.payload, w.records);
    }
  }

  private seal(end: boolean, barrier?: number): void {
    const n = this.count;
    const values = this.values;
    // A batch sealed early (linger, barrier, end) keeps only its records.
    if (n < values.length) values.length = n;
    let keys: ArrayLike<unknown> | null = null;
    if (this.keys !== null) {
      if (n < this.keys.length) this.keys.length = n;
      keys = this.keys;
    } else if (this.hasKeys) keys = this.numberKeys.subarray(0, n);
    const batch: Batch = { values, timestamps: this.timestamps.subarray(0, n), keys, marks: this.marks, end };
    if (barrier !== undefined) batch.barrier = barrier;
    const payload = this.pack(batch);
    for (let m = 1; m < this.marks.length; m += 2) this.watermarkBound = raiseBound(this.watermarkBound, this.marks[m]!);
    // Fresh per batch: a long-lived array holding young records costs a write barrier per store.
    this.values = new Array<Row>(this.batchRecords);
    this.count = 0;
    this.keys = null;
    this.hasKeys = false;
    this.marks = [];
    if (this.waiting.length === 0 && this.credits > 0) this.transmit(payload, n);
    else {
      this.waiting.push({ payload, records: n });
      this.waitingRecords += n;
    }
  }

  private transmit(payload: P, records: number): void {
    this.credits--;
    this.inFlightRecords += records;
    this.inFlightSizes.push(records);
    this.send(payload);
  }
}
