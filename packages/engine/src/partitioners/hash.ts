import { keyGroupOf, subtaskForKeyGroup } from '../key-groups.js';
import type { Partitioner } from './partitioner.js';

/**
 * Key → key group → subtask, so every record of a key reaches the subtask that owns the key's
 * state, and the mapping stays valid when the job is rescaled (whole key groups move).
 */
export class HashPartitioner implements Partitioner {
  readonly kind = 'hash' as const;

  constructor(private readonly maxParallelism: number) {}

  selectChannel(key: unknown, numChannels: number): number {
    return subtaskForKeyGroup(keyGroupOf(key, this.maxParallelism), numChannels, this.maxParallelism);
  }
}
