import type { Partitioning } from '@riffle/shared';
import { BroadcastPartitioner } from './broadcast.js';
import { ForwardPartitioner } from './forward.js';
import { HashPartitioner } from './hash.js';
import type { Partitioner } from './partitioner.js';
import { RebalancePartitioner } from './rebalance.js';

export { ALL_CHANNELS } from './partitioner.js';
export type { Partitioner } from './partitioner.js';
export { BroadcastPartitioner, ForwardPartitioner, HashPartitioner, RebalancePartitioner };

/** Creates the partitioner of one sending subtask on one edge. */
export function createPartitioner(kind: Partitioning, senderSubtask: number, maxParallelism: number): Partitioner {
  switch (kind) {
    case 'forward':
      return new ForwardPartitioner();
    case 'rebalance':
      return new RebalancePartitioner(senderSubtask);
    case 'hash':
      return new HashPartitioner(maxParallelism);
    case 'broadcast':
      return new BroadcastPartitioner();
  }
}
