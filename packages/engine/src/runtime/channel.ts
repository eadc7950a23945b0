import type { Row } from '../collector.js';

/**
 * One connection from a sending subtask to one receiving subtask on an exchange: the wall behind
 * which the transport lives. In this runtime every task runs on the event loop thread and a
 * {@link LocalChannel} delivers by direct call; the parallel runtime puts a worker-thread channel
 * (msgpackr-encoded batches, credit-based flow control) behind the same interface, using
 * `flush()` at batch boundaries.
 */
export interface OutputChannel {
  writeRecord(value: Row, timestamp: number, key: unknown): void;
  writeWatermark(watermark: number): void;
  writeEndOfInput(): void;
  /** A checkpoint barrier, in order with the records and watermarks. */
  writeBarrier(checkpointId: number): void;
  /** Called at the end of every source batch: a buffering channel sends what it holds. */
  flush(): void;
  /** A credit-based channel: true while sealed batches wait for the consumer's credit. */
  readonly blocked?: boolean;
}

/** What a receiving task exposes to its channels. */
export interface ChannelReceiver {
  receiveRecord(channel: number, value: Row, timestamp: number, key: unknown): void;
  receiveWatermark(channel: number, watermark: number): void;
  receiveEndOfInput(channel: number): void;
  receiveBarrier(channel: number, checkpointId: number): void;
}

/** Same-thread delivery by direct call. */
export class LocalChannel implements OutputChannel {
  constructor(
    private readonly receiver: ChannelReceiver,
    private readonly index: number,
  ) {}

  writeRecord(value: Row, timestamp: number, key: unknown): void {
    this.receiver.receiveRecord(this.index, value, timestamp, key);
  }

  writeWatermark(watermark: number): void {
    this.receiver.receiveWatermark(this.index, watermark);
  }

  writeEndOfInput(): void {
    this.receiver.receiveEndOfInput(this.index);
  }

  writeBarrier(checkpointId: number): void {
    this.receiver.receiveBarrier(this.index, checkpointId);
  }

  flush(): void {}
}
