import type { CheckpointInfo } from '@riffle/shared';

/** A stable key: savepoints share the counter with checkpoints, so kind and number together. */
export const checkpointKey = (c: Pick<CheckpointInfo, 'kind' | 'id' | 'startedAt'>) => `${c.kind}-${c.id}-${c.startedAt}`;

/**
 * Applies one `checkpoint:*` event to the list (newest first): replaces the entry of the same
 * checkpoint, else adds it. A completed event keeps what the list already knew about retention.
 */
export function upsertCheckpoint(list: readonly CheckpointInfo[], c: CheckpointInfo): CheckpointInfo[] {
  const i = list.findIndex((x) => x.kind === c.kind && x.id === c.id && x.startedAt === c.startedAt);
  const next = i < 0 ? [c, ...list] : list.map((x, j) => (j === i ? { ...x, ...c } : x));
  return next.sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
}

/** The snapshot in progress, if any (one at a time per job). */
export const inProgress = (list: readonly CheckpointInfo[]) => list.find((c) => c.status === 'in_progress');

/** `1.2 kB`, `3.4 MB`: sizes of snapshots. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** `850 ms`, `2.3 s`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
