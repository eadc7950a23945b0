import type { Namespace } from './state-table.js';

/**
 * The state of one key group, as plain arrays and objects so msgpackr encodes it directly:
 * `states[name]` lists `[key, namespace, value, writtenAt?]` rows (`writtenAt` only with a TTL).
 * Map state values are stored as `[mapKey, value][]`; list state values as arrays.
 */
export interface KeyGroupSnapshot {
  keyGroup: number;
  states: Record<string, Array<[unknown, Namespace, unknown] | [unknown, Namespace, unknown, number]>>;
}

/** Size of the state a backend holds (approximate bytes: a rough estimate for the UI, not exact). */
export interface StateMetrics {
  /** Distinct keys with any state. */
  keys: number;
  /** (state, key, namespace) entries. */
  entries: number;
  approximateBytes: number;
}
