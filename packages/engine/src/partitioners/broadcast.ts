import { ALL_CHANNELS, type Partitioner } from './partitioner.js';

/** Every record to every channel (small reference data, rules). */
export class BroadcastPartitioner implements Partitioner {
  readonly kind = 'broadcast' as const;

  selectChannel(): number {
    return ALL_CHANNELS;
  }
}
