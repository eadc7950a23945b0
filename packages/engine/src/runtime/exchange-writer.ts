import type { Collector, Row } from '../collector.js';
import { ALL_CHANNELS, type Partitioner } from '../partitioners/index.js';
import type { OutputChannel } from './channel.js';

/**
 * The sending end of one exchange edge in one subtask (Flink's RecordWriter): the partitioner
 * picks the channel of each record; watermarks and end-of-input go to every channel.
 */
export class ExchangeWriter implements Collector {
  constructor(
    private readonly partitioner: Partitioner,
    readonly channels: readonly OutputChannel[],
  ) {}

  collect(value: Row, timestamp: number, key?: unknown): void {
    const ch = this.partitioner.selectChannel(key, this.channels.length);
    if (ch !== ALL_CHANNELS) {
      this.channels[ch]!.writeRecord(value, timestamp, key);
      return;
    }
    for (const c of this.channels) c.writeRecord(value, timestamp, key);
  }

  emitWatermark(watermark: number): void {
    for (const c of this.channels) c.writeWatermark(watermark);
  }

  /** A checkpoint barrier goes to every channel, like a watermark. */
  emitBarrier(checkpointId: number): void {
    for (const c of this.channels) c.writeBarrier(checkpointId);
  }

  endOfInput(): void {
    for (const c of this.channels) c.writeEndOfInput();
  }

  /** Whether a channel waits for credit (only buffering channels ever do). */
  get blocked(): boolean {
    for (const c of this.channels) if (c.blocked === true) return true;
    return false;
  }

  flush(): void {
    for (const c of this.channels) c.flush();
  }
}
