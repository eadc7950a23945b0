import { getOperator, type CheckpointInfo, type JobMetrics, type OperatorMetrics } from '@riffle/shared';
import { rateOf } from '../../lib/metrics';

/** One chart row: the sample time and a value per series key (absent: no value at that time). */
export interface ChartRow {
  ts: number;
  values: Record<string, number>;
}

export interface Series {
  key: string;
  label: string;
}

/** What a chart plots: rows oldest first and its series in first-seen order. */
export interface ChartData {
  rows: ChartRow[];
  series: Series[];
}

export interface Point {
  key: string;
  label: string;
  value: number | null | undefined;
}

/** The points one operator of one sample contributes to a chart. */
export type PointPicker = (op: OperatorMetrics, sample: JobMetrics) => Point[];

/**
 * Shapes the metrics history into chart rows. Series keys go through a lookup (not a recharts
 * `dataKey` path), so node ids with dots or brackets are safe. With `dropAllZero`, series that
 * never left zero are left out: a counter chart then lists only the operators that count something.
 */
export function chartData(history: readonly JobMetrics[], pick: PointPicker, opts: { dropAllZero?: boolean } = {}): ChartData {
  const labels = new Map<string, string>();
  const nonZero = new Set<string>();
  const rows = history.map((m) => {
    const values: Record<string, number> = {};
    for (const op of m.operators)
      for (const p of pick(op, m)) {
        if (p.value === null || p.value === undefined || !Number.isFinite(p.value)) continue;
        if (!labels.has(p.key)) labels.set(p.key, p.label);
        if (p.value !== 0) nonZero.add(p.key);
        values[p.key] = p.value;
      }
    return { ts: m.ts, values };
  });
  const series = [...labels].filter(([key]) => !opts.dropAllZero || nonZero.has(key)).map(([key, label]) => ({ key, label }));
  return { rows, series };
}

const category = (op: OperatorMetrics) => getOperator(op.kind)?.category;
const one = (op: OperatorMetrics, value: number | null | undefined, suffix = ''): Point[] => [{ key: op.nodeId + suffix, label: op.nodeId + suffix, value }];

/** The rate that describes each operator: what a sink receives, what anything else emits. */
export const operatorRate: PointPicker = (op) => one(op, rateOf(op));
/** Records/s each operator emits (sinks emit nothing and are left out). */
export const recordsOutPerSec: PointPicker = (op) => (category(op) === 'sink' ? [] : one(op, op.recordsOutPerSec));
/** Records/s each operator receives (sources receive nothing and are left out). */
export const recordsInPerSec: PointPicker = (op) => (category(op) === 'source' ? [] : one(op, op.recordsInPerSec));
/** Consumer lag of each partition of each log source (one total line where only that is known). */
export const partitionLag: PointPicker = (op) => {
  // A job on Flink reports its Kafka source's lag as one total (Flink's `pendingRecords`).
  if (op.partitionLag === undefined && op.consumerLag !== undefined) return [{ key: `${op.nodeId}#all`, label: `${op.nodeId} all partitions`, value: op.consumerLag }];
  const parts = op.partitionLag ?? [];
  // The topic is named only when the source reads more than one (a topic pattern).
  const topics = new Set(parts.map((p) => p.topic)).size > 1;
  return parts.map((p) => {
    const name = topics ? `${p.topic}/${p.partition}` : `p${p.partition}`;
    return { key: `${op.nodeId}#${topics ? `${p.topic}/` : ''}${p.partition}`, label: `${op.nodeId} ${name}`, value: p.lag };
  });
};
/** Event-time watermark (epoch ms). */
export const watermark: PointPicker = (op) => one(op, op.watermark);
/** How far the watermark trails the wall clock at sampling time, in seconds. */
export const watermarkLagSec: PointPicker = (op, m) => one(op, op.watermark === null ? null : (m.ts - op.watermark) / 1000);
/** Approximate keyed state size in bytes (keyed operators only). */
export const stateBytes: PointPicker = (op) => one(op, op.stateBytes);
/** Late records dropped, records dead-lettered and records skipped (`onError: skip`), cumulative, per operator. */
export const lateAndDead: PointPicker = (op) => [
  { key: `${op.nodeId} late`, label: `${op.nodeId} late`, value: op.lateRecordsDropped },
  { key: `${op.nodeId} dead letters`, label: `${op.nodeId} dead letters`, value: op.deadLettered },
  { key: `${op.nodeId} skipped`, label: `${op.nodeId} skipped`, value: op.skippedRecords ?? 0 },
];

/** Only the points of one node, for its detail charts. */
export function ofNode(nodeId: string, pick: PointPicker): PointPicker {
  return (op, m) => (op.nodeId === nodeId ? pick(op, m) : []);
}

/** One node's records/s in and out. */
export const nodeThroughput: PointPicker = (op) => [
  { key: 'in', label: 'in', value: category(op) === 'source' ? null : op.recordsInPerSec },
  { key: 'out', label: 'out', value: category(op) === 'sink' ? null : op.recordsOutPerSec },
];
/** One node's busy / back-pressured / idle share, in %. */
export const nodeLoad: PointPicker = (op) => {
  const pct = (r: number | undefined) => (r === undefined ? null : Math.round(r * 1000) / 10);
  return [
    { key: 'busy', label: 'busy', value: pct(op.busyRatio) },
    { key: 'back-pressured', label: 'back-pressured', value: pct(op.backPressuredRatio) },
    { key: 'idle', label: 'idle', value: pct(op.idleRatio) },
  ];
};

/** Finished checkpoints, oldest first, as rows of duration (ms) and size (bytes). */
export function checkpointData(checkpoints: readonly CheckpointInfo[]): { duration: ChartData; size: ChartData } {
  const done = checkpoints.filter((c) => c.status !== 'in_progress').sort((a, b) => a.startedAt - b.startedAt);
  const rows = (f: (c: CheckpointInfo) => number | undefined, key: string) =>
    done.flatMap((c) => {
      const v = f(c);
      return v === undefined ? [] : [{ ts: c.startedAt, values: { [`${key} ${c.kind}`]: v } }];
    });
  const series = (key: string) => ['checkpoint', 'savepoint'].filter((k) => done.some((c) => c.kind === k)).map((k) => ({ key: `${key} ${k}`, label: `${k}s` }));
  return {
    duration: { rows: rows((c) => c.durationMs, 'duration'), series: series('duration') },
    size: { rows: rows((c) => (c.status === 'completed' ? c.bytes : undefined), 'size'), series: series('size') },
  };
}

/**
 * At most about `max` rows for drawing: every k-th row, always keeping the newest. A chart is a
 * few hundred pixels wide, and recharts' cost grows with points × series on every 1 Hz update.
 */
export function thin<T>(rows: readonly T[], max: number): readonly T[] {
  if (rows.length <= max) return rows;
  const k = Math.ceil(rows.length / max);
  const last = rows.length - 1;
  // Step back from the newest row so the kept rows do not shift by one on every new sample.
  return rows.filter((_, i) => (last - i) % k === 0);
}
