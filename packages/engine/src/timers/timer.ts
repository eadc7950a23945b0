import type { Namespace } from '../state/state-table.js';
import { compareKeys } from '../windows/key-order.js';

/** A timer of one key and namespace (Flink's TimerHeapInternalTimer). */
export interface Timer {
  timestamp: number;
  key: unknown;
  keyGroup: number;
  namespace: Namespace;
}

function compareNamespaces(a: Namespace, b: Namespace): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}

/** Timestamp order; ties by key then namespace, so firing order never depends on arrival order. */
export function compareTimers(a: Timer, b: Timer): number {
  return a.timestamp - b.timestamp || compareKeys(a.key, b.key) || compareNamespaces(a.namespace, b.namespace);
}
