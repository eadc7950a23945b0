import type { TimerService, TimersSnapshot } from '../timers/timer-service.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { KeyGroupSnapshot } from './snapshot-format.js';

/** What a keyed operator with timers checkpoints: per key group, its keyed state and its timers. */
export interface KeyedOperatorSnapshot {
  keyGroups: Array<{ state: KeyGroupSnapshot; timers: TimersSnapshot }>;
}

/** Snapshot of every owned key group that holds state or timers (windows, joins, dedupe, over). */
export function snapshotKeyed(backend: KeyedStateBackend, timers: TimerService): KeyedOperatorSnapshot {
  const keyGroups: KeyedOperatorSnapshot['keyGroups'] = [];
  for (const kg of backend.keyGroups()) {
    const state = backend.snapshot(kg);
    const t = timers.snapshot(kg);
    if (Object.keys(state.states).length > 0 || t.eventTime.length > 0 || t.processingTime.length > 0) keyGroups.push({ state, timers: t });
  }
  return { keyGroups };
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
