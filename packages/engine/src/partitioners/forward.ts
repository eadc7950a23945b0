import type { Partitioner } from './partitioner.js';

/** Subtask i sends to subtask i only: the sender's writer holds exactly one channel. */
export class ForwardPartitioner implements Partitioner {
  readonly kind = 'forward' as const;

  selectChannel(): number {
    return 0;
  }
}
