import type { TimerService, TimersSnapshot } from '../timers/timer-service.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { KeyGroupSnapshot } from './snapshot-format.js';

/** What a keyed operator with timers checkpoints: per key group, its keyed state and its timers. */
export interface KeyedOperatorSnapshot {
  keyGroups: Array<{ state: KeyGroupSnapshot; timers: TimersSnapshot }>;
}

/**
 * Snapshot of every owned key group that holds state or timers (windows, joins, dedupe, over),
 * for a checkpoint: timers (on the heap) are copied now, the keyed state is captured now and
 * read as the backend does (directly, or asynchronously from disk; see `snapshotForCheckpoint`).
 */
export function snapshotKeyed(backend: KeyedStateBackend, timers: TimerService): KeyedOperatorSnapshot | Promise<KeyedOperatorSnapshot> {
  const timerGroups = new Map<number, TimersSnapshot>();
  for (const kg of backend.keyGroups()) {
    const t = timers.snapshot(kg);
    if (t.eventTime.length > 0 || t.processingTime.length > 0) timerGroups.set(kg, t);
  }
  const join = (states: KeyGroupSnapshot[]): KeyedOperatorSnapshot => {
    const byGroup = new Map(states.map((s) => [s.keyGroup, s]));
    const keyGroups: KeyedOperatorSnapshot['keyGroups'] = [];
    for (const kg of backend.keyGroups()) {
      const state = byGroup.get(kg);
      const t = timerGroups.get(kg);
      if (state === undefined && t === undefined) continue;
      keyGroups.push({ state: state ?? { keyGroup: kg, states: {} }, timers: t ?? { keyGroup: kg, eventTime: [], processingTime: [] } });
    }
    return { keyGroups };
  };
  const states = backend.snapshotForCheckpoint();
  return states instanceof Promise ? states.then(join) : join(states);
}

/**
 * Restores a {@link snapshotKeyed} snapshot, keeping only the key groups this subtask owns: after
 * a rescale it is called once per old subtask whose key groups overlap.
 */
export function restoreKeyed(backend: KeyedStateBackend, timers: TimerService, snapshot: unknown): void {
  const s = snapshot as KeyedOperatorSnapshot;
  backend.restore(s.keyGroups.map((k) => k.state));
  const owned = new Set(backend.keyGroups());
  timers.restore(
    s.keyGroups.map((k) => k.timers),
    (kg) => owned.has(kg),
  );
}
