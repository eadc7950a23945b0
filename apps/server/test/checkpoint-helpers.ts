import { clickEvent, Engine } from '@riffle/engine';
import type { StartJob } from '../src/job-manager.js';
import { publishedRecords } from './server-process.js';

/**
 * A keyed count over `count` generated records (key `user_id`, ~1000 keys) with a window that
 * only fires at the end of the input, so the collect sink ends up holding each key's final count
 * once. Checkpoints every `intervalMs` (a long interval: manual ones only).
 */
export function countingSpec(o: { count: number; rate: number; intervalMs?: number; retain?: number; name?: string; seed?: number; parallelism?: number }) {
  return {
    specVersion: 1,
    name: o.name ?? 'keyed-count',
    config: {
      parallelism: o.parallelism ?? 1,
      checkpoints: { intervalMs: o.intervalMs ?? 3_600_000, mode: 'exactly-once', retain: o.retain ?? 3 },
    },
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { seed: o.seed ?? 7, ratePerSec: o.rate, count: o.count, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'counts', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    edges: [
      { from: 'gen', to: 'byUser' },
      { from: 'byUser', to: 'counts' },
      { from: 'counts', to: 'out' },
    ],
  };
}

/**
 * A running count per user (one line per record) into a transactional file sink at `path`, with
 * checkpoints every 300 ms: every published line `{key, n}` says "user key's n-th record", so a lost
 * or repeated record shows as a gap or a double in a user's counts.
 */
export function runningCountSpec(o: { count: number; rate: number; path: string; name?: string }) {
  return {
    specVersion: 1,
    name: o.name ?? 'running-count',
    config: { parallelism: 1, checkpoints: { intervalMs: 300, mode: 'exactly-once', retain: 3 } },
    nodes: [
      countingSpec(o).nodes[0]!,
      { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'running', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'file', kind: 'sink.file', params: { path: o.path } },
    ],
    edges: [
      { from: 'gen', to: 'byUser' },
      { from: 'byUser', to: 'running' },
      { from: 'running', to: 'file' },
    ],
  };
}

/** The counts computed directly from the generator, without the engine. */
export function expectedCounts(count: number, seed = 7): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const u = clickEvent(seed, i, 1, 0).user_id;
    m.set(u, (m.get(u) ?? 0) + 1);
  }
  return m;
}

/** Key → count from the collect sink's records; a key seen twice is a duplicate and throws. */
export function countsOf(records: Array<{ key: number; n: number }>): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of records) {
    if (m.has(r.key)) throw new Error(`key ${r.key} was emitted twice (${m.get(r.key)} and ${r.n})`);
    m.set(r.key, r.n);
  }
  return m;
}

/** Per user, the running counts a {@link runningCountSpec} job published in `folder`, ascending. */
export async function publishedRunningCounts(folder: string): Promise<Map<number, number[]>> {
  const m = new Map<number, number[]>();
  for (const r of await publishedRecords(folder)) m.set(r.key, [...(m.get(r.key) ?? []), r.n]);
  for (const list of m.values()) list.sort((a, b) => a - b);
  return m;
}

/** The name of a {@link countingSpec} job whose checkpoints {@link holdingCheckpoints} holds in progress. */
export const HELD = 'held-checkpoint';

/**
 * A server's `startJob` under which a job named {@link HELD} gets its sink's snapshots delayed by
 * 10 minutes (the engine's test-only `debugSlowNode`): a checkpoint it starts stays in progress
 * until the job stops, which aborts it. Other jobs start as usual.
 */
export const holdingCheckpoints: StartJob = (spec, o) =>
  Engine.start(spec, spec.name === HELD ? { ...o, debugSlowNode: { nodeId: 'out', msPerRecord: 0, snapshotDelayMs: 600_000 } } : o);
