import type { JobMetrics, OperatorMetrics } from '@riffle/shared';
import { MAX_WATERMARK } from '../collector.js';
import type { Task } from './task.js';

/**
 * Counters of one parallel subtask of one node. Plain mutable fields: the hot path increments
 * them directly, the metrics sampler reads them.
 */
export interface NodeCounters {
  recordsIn: number;
  recordsOut: number;
  lateRecordsDropped: number;
  deadLettered: number;
  /** Records dropped by the node's `onError: skip` policy; absent until the first. */
  skipped?: number;
  /** Output watermark (sinks: input watermark); -Infinity before the first. */
  watermark: number;
  /** Log sources (Kafka): records behind the log end, per partition this subtask reads. */
  partitionLag?: Map<string, { topic: string; partition: number; lag: number }>;
  /** Sources that read bytes: key and value bytes read so far. */
  bytesIn?: number;
}

/**
 * What the threaded runtime adds to each operator's {@link OperatorMetrics} (optional extras, so
 * `job.metrics()` keeps the shared type): load ratios over the last report interval averaged over
 * the operator's subtasks, and each subtask's figures.
 */
/** The load fields of {@link OperatorMetrics} (defined in shared's protocol). */
export type OperatorLoadMetrics = Pick<OperatorMetrics, 'busyRatio' | 'backPressuredRatio' | 'idleRatio' | 'subtasks'>;
export type { SubtaskMetrics } from '@riffle/shared';

/** The state fields of {@link OperatorMetrics}. */
export type OperatorStateMetrics = Pick<OperatorMetrics, 'stateKeys' | 'stateBytes'>;

/** Keys and approximate bytes of one operator subtask's keyed state. */
export type StateSize = [keys: number, bytes: number];

/**
 * Sums each keyed operator's state size over its subtasks into `stateKeys` / `stateBytes`
 * (operators without keyed state have no entry and get no fields).
 */
export function addStateMetrics(operators: OperatorMetrics[], state: ReadonlyMap<string, ReadonlyArray<StateSize | undefined>>): void {
  for (const op of operators) {
    const list = state.get(op.nodeId);
    if (list === undefined) continue;
    let keys = 0;
    let bytes = 0;
    for (const s of list) {
      if (s === undefined) continue;
      keys += s[0];
      bytes += s[1];
    }
    Object.assign(op, { stateKeys: keys, stateBytes: bytes } satisfies OperatorStateMetrics);
  }
}

/** Each keyed operator's state size per subtask, over `tasks` (walks the state: call at metrics rate). */
export function collectStateSizes(tasks: Iterable<Task>): Map<string, StateSize[]> {
  const out = new Map<string, StateSize[]>();
  for (const t of tasks)
    for (const m of t.members) {
      const s = m.operator.stateMetrics();
      if (s === undefined) continue;
      let list = out.get(m.nodeId);
      if (list === undefined) out.set(m.nodeId, (list = []));
      list[t.subtaskIndex] = [s.keys, s.approximateBytes];
    }
  return out;
}

export function newCounters(): NodeCounters {
  return { recordsIn: 0, recordsOut: 0, lateRecordsDropped: 0, deadLettered: 0, watermark: -Infinity };
}

/**
 * How the end-of-stream watermark (+Infinity inside the engine) is reported in metrics: JSON
 * has no Infinity, so it is reported as `Number.MAX_SAFE_INTEGER`, like Flink's Long.MAX_VALUE.
 */
export const REPORTED_MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

interface NodeEntry {
  nodeId: string;
  kind: string;
  subtasks: NodeCounters[];
  lastIn: number;
  lastOut: number;
  inPerSec: number;
  outPerSec: number;
  lastBytes?: number;
  bytesPerSec?: number;
}

/**
 * Sums counters over subtasks and computes per-second rates once per sampling interval, so
 * any number of callers of `metrics()` see the same rates without disturbing each other.
 */
export class MetricsRegistry {
  private readonly nodes: NodeEntry[] = [];
  private lastSample = Date.now();

  register(nodeId: string, kind: string, counters: NodeCounters[]): void {
    this.nodes.push({ nodeId, kind, subtasks: counters, lastIn: 0, lastOut: 0, inPerSec: 0, outPerSec: 0 });
  }

  /** Recomputes the rates over the time since the previous sample (called about once a second). */
  sample(now = Date.now()): void {
    const elapsed = now - this.lastSample;
    if (elapsed <= 0) return;
    for (const n of this.nodes) {
      const { recordsIn, recordsOut } = totals(n.subtasks);
      n.inPerSec = Math.round(((recordsIn - n.lastIn) * 1000) / elapsed);
      n.outPerSec = Math.round(((recordsOut - n.lastOut) * 1000) / elapsed);
      n.lastIn = recordsIn;
      n.lastOut = recordsOut;
      const bytes = bytesIn(n.subtasks);
      if (bytes !== undefined) {
        n.bytesPerSec = Math.round(((bytes - (n.lastBytes ?? 0)) * 1000) / elapsed);
        n.lastBytes = bytes;
      }
    }
    this.lastSample = now;
  }

  /** Rates drop to zero once the job has ended. */
  clearRates(): void {
    for (const n of this.nodes) {
      n.inPerSec = n.outPerSec = 0;
      if (n.bytesPerSec !== undefined) n.bytesPerSec = 0;
    }
  }

  snapshot(jobId: string, status: JobMetrics['status']): JobMetrics {
    let deadLetters = 0;
    const operators: OperatorMetrics[] = this.nodes.map((n) => {
      const t = totals(n.subtasks);
      deadLetters += t.deadLettered;
      return {
        nodeId: n.nodeId,
        kind: n.kind,
        parallelism: n.subtasks.length,
        recordsIn: t.recordsIn,
        recordsOut: t.recordsOut,
        recordsInPerSec: n.inPerSec,
        recordsOutPerSec: n.outPerSec,
        watermark: t.watermark,
        lateRecordsDropped: t.lateRecordsDropped,
        deadLettered: t.deadLettered,
        ...lagOf(n.subtasks),
        ...(t.skipped === 0 ? {} : { skippedRecords: t.skipped }),
        ...(n.bytesPerSec === undefined ? {} : { bytesInPerSec: n.bytesPerSec }),
      };
    });
    return { jobId, ts: Date.now(), status, operators, deadLetters };
  }
}

function totals(subtasks: NodeCounters[]) {
  let recordsIn = 0;
  let recordsOut = 0;
  let late = 0;
  let dead = 0;
  let skipped = 0;
  // A node's watermark is the minimum over its subtasks, as a downstream input would see it.
  let wm = Infinity;
  let anyMissing = subtasks.length === 0;
  for (const c of subtasks) {
    recordsIn += c.recordsIn;
    recordsOut += c.recordsOut;
    late += c.lateRecordsDropped;
    dead += c.deadLettered;
    skipped += c.skipped ?? 0;
    if (c.watermark === -Infinity) anyMissing = true;
    else if (c.watermark < wm) wm = c.watermark;
  }
  const watermark = anyMissing ? null : wm === MAX_WATERMARK ? REPORTED_MAX_WATERMARK : wm;
  return { recordsIn, recordsOut, lateRecordsDropped: late, deadLettered: dead, skipped, watermark };
}

function bytesIn(subtasks: NodeCounters[]): number | undefined {
  let sum: number | undefined;
  for (const c of subtasks) if (c.bytesIn !== undefined) sum = (sum ?? 0) + c.bytesIn;
  return sum;
}

/** Consumer lag of a log source: per partition and summed; nothing for other operators. */
function lagOf(subtasks: NodeCounters[]): Pick<OperatorMetrics, 'consumerLag' | 'partitionLag'> {
  if (!subtasks.some((c) => c.partitionLag !== undefined)) return {};
  const partitionLag: Array<{ topic: string; partition: number; lag: number }> = [];
  for (const c of subtasks) for (const { topic, partition, lag } of c.partitionLag?.values() ?? []) partitionLag.push({ topic, partition, lag });
  partitionLag.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return { consumerLag: partitionLag.reduce((n, p) => n + p.lag, 0), partitionLag };
}
