import type { Partitioner } from './partitioner.js';

/** Round-robin over the channels, to even out load after a skewed or filtering step. */
export class RebalancePartitioner implements Partitioner {
  readonly kind = 'rebalance' as const;
  private next: number;

  /** Senders start at different channels so that small batches do not all land on channel 0. */
  constructor(startChannel = 0) {
    this.next = startChannel;
  }

  selectChannel(_key: unknown, numChannels: number): number {
    if (this.next >= numChannels) this.next = 0;
    return this.next++;
  }
}
