import type { Partitioning } from '@riffle/shared';

/** Returned by a broadcast partitioner: the record goes to every channel. */
export const ALL_CHANNELS = -1;

/**
 * Decides which downstream channel (parallel subtask) receives a record on an exchange. One
 * instance per sending subtask and edge, so a partitioner may keep state (round-robin position).
 * Watermarks and end-of-input always go to every channel; only records are partitioned.
 */
export interface Partitioner {
  readonly kind: Partitioning;
  /**
   * The channel in `[0, numChannels)` for a record, or {@link ALL_CHANNELS}.
   * `key` is the record's key on a keyed stream (undefined otherwise).
   */
  selectChannel(key: unknown, numChannels: number): number;
}
