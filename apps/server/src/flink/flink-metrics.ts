import { buildGraph, type JobMetrics, type JobSpec, type JobStatus, type OperatorMetrics } from '@riffle/shared';
import { REPORTED_MAX_WATERMARK } from '@riffle/engine';
import type { FlinkSqlPlan } from './plan-types.js';
import { mentions } from './vertex-map.js';

/** What one poll of Flink read about a vertex of the job graph. */
export interface VertexSample {
  id: string;
  parallelism: number;
  /** Records the vertex received from other vertices / sent to them (Flink's `read-records`, `write-records`). */
  readRecords: number;
  writeRecords: number;
  /** Operator metrics summed over subtasks (`<operator>.numRecordsOut` → n), watermarks as their minimum. */
  operatorMetrics: Record<string, number>;
  /** Lowest input watermark over the subtasks (`/watermarks`), Flink's raw value. */
  inputWatermark?: number;
  /** Averages over subtasks, from `/backpressure`. */
  busyRatio?: number;
  backPressuredRatio?: number;
  idleRatio?: number;
}

export interface MetricsInput {
  jobId: string;
  ts: number;
  status: JobStatus;
  spec: JobSpec;
  plan: Pick<FlinkSqlPlan, 'nodes'>;
  /** Canvas node id → vertex id (see `mapNodesToVertices`). */
  nodeVertex: Record<string, string>;
  vertices: ReadonlyMap<string, VertexSample>;
  /** The previous sample, for records per second. */
  prev?: JobMetrics;
}

/**
 * The watermark inside a source vertex (which has no input watermark): Flink SQL assigns it in a
 * `WatermarkAssigner` chained after the table scan (else the source emits it itself); the lowest
 * such output watermark is what the operators chained after it see.
 */
function chainWatermark(v: VertexSample): number | null {
  for (const role of [/^WatermarkAssigner/, /^Source/]) {
    const ws = Object.entries(v.operatorMetrics)
      .filter(([k]) => role.test(k) && k.endsWith('.currentOutputWatermark'))
      .map(([, w]) => toWatermark(w));
    if (ws.length > 0 && ws.every((w) => w !== null)) return Math.min(...(ws as number[]));
  }
  return null;
}

/** Kinds that pass on as many records as they receive. */
const ONE_TO_ONE = new Set(['map', 'keyBy']);

/** Flink's "no watermark yet" is Long.MIN_VALUE; anything this low is none. */
const NO_WATERMARK = -(2 ** 62);

/** A Flink watermark as Riffle reports it: `null` before the first, end of input as Riffle's maximum. */
export function toWatermark(v: number | undefined): number | null {
  if (v === undefined || !Number.isFinite(v) || v <= NO_WATERMARK) return null;
  return v >= 2 ** 62 ? REPORTED_MAX_WATERMARK : v;
}

/**
 * The value of an operator metric whose operator is the table `name` (`Source__clicks[1].numRecordsOut`:
 * Flink names metric scopes from operator names with spaces and colons replaced by `_`), else of
 * the vertex's only source (or sink writer) operator.
 */
export function operatorMetric(v: VertexSample | undefined, name: string, role: 'source' | 'sink', metric: string): number | undefined {
  if (!v) return undefined;
  const roleRe = role === 'source' ? /Source/ : /Sink|Writer/;
  const candidates = Object.entries(v.operatorMetrics)
    .filter(([key]) => key.endsWith(`.${metric}`))
    .map(([key, value]) => ({ operator: key.slice(0, -metric.length - 1), value }))
    .filter((c) => roleRe.test(c.operator));
  const named = candidates.find((c) => mentions(c.operator.replace(/^[A-Za-z]+__/, ''), name));
  // Some connectors' operators do not carry the table's name (the filesystem sink's is
  // `StreamingFileWriter`): the only one of its role in the vertex is taken for it.
  return named?.value ?? (candidates.length === 1 ? candidates[0]!.value : undefined);
}

/**
 * One Riffle metrics sample from a poll of Flink. Counts are exact where Flink measures them: a
 * source's records out and a sink's records in (their operators' metrics), and the records that
 * cross between vertices. Flink does not count per chained operator for the views in between, so
 * their counts are inferred along the graph (a node feeding a sink alone sends what the sink got;
 * a map or keyBy receives what it sends; otherwise a view is shown sending what it received, so a
 * filter inside a chain, with nothing measured after it, reads as passing everything).
 * Watermarks are the vertex's lowest input watermark (a source's own output watermark, or the SQL
 * watermark assigner's in a source vertex); back-pressure and busy time the vertex's.
 */
export function buildJobMetrics(input: MetricsInput): JobMetrics {
  const { spec, plan, nodeVertex, vertices } = input;
  const g = buildGraph(spec);
  const order = g.order ?? [...g.nodes.keys()];
  const vertexOf = (id: string) => (nodeVertex[id] === undefined ? undefined : vertices.get(nodeVertex[id]));
  const ins = new Map<string, number>();
  const outs = new Map<string, number>();
  for (const id of order) {
    const v = vertexOf(id);
    const table = plan.nodes[id];
    const inputs = (g.inEdges.get(id) ?? []).map((e) => e.from);
    const outputs = (g.outEdges.get(id) ?? []).map((e) => e.to);
    if (table?.role === 'source') outs.set(id, operatorMetric(v, table.name, 'source', 'numRecordsOut') ?? v?.writeRecords ?? 0);
    if (table?.role === 'sink') ins.set(id, operatorMetric(v, table.name, 'sink', 'numRecordsIn') ?? v?.readRecords ?? 0);
    if (!v) continue;
    // At a vertex boundary Flink's own counters are this node's.
    if (inputs.length > 0 && !ins.has(id) && inputs.every((i) => nodeVertex[i] !== nodeVertex[id])) ins.set(id, v.readRecords);
    if (outputs.length > 0 && !outs.has(id) && outputs.every((o) => nodeVertex[o] !== nodeVertex[id])) outs.set(id, v.writeRecords);
  }
  for (const id of [...order].reverse()) {
    const outputs = (g.outEdges.get(id) ?? []).map((e) => e.to);
    const known = outputs.filter((o) => ins.has(o) && (g.inEdges.get(o) ?? []).length === 1);
    if (!outs.has(id) && outputs.length > 0 && known.length === outputs.length) outs.set(id, Math.max(...known.map((o) => ins.get(o)!)));
    if (!ins.has(id) && outs.has(id) && ONE_TO_ONE.has(g.nodes.get(id)?.kind ?? '')) ins.set(id, outs.get(id)!);
  }
  for (const id of order) {
    if (!ins.has(id)) ins.set(id, (g.inEdges.get(id) ?? []).reduce((s, e) => s + (outs.get(e.from) ?? 0), 0));
    if (!outs.has(id) && (g.outEdges.get(id) ?? []).length > 0) outs.set(id, ins.get(id)!);
  }
  const dt = input.prev ? (input.ts - input.prev.ts) / 1000 : 0;
  const before = new Map(input.prev?.operators.map((o) => [o.nodeId, o]) ?? []);
  const rate = (now: number, then: number | undefined) => (dt > 0 && then !== undefined ? Math.max(0, (now - then) / dt) : 0);
  const operators = spec.nodes.map((n): OperatorMetrics => {
    const v = vertexOf(n.id);
    const table = plan.nodes[n.id];
    const recordsIn = ins.get(n.id) ?? 0;
    const recordsOut = outs.get(n.id) ?? 0;
    const prev = before.get(n.id);
    const own = table?.role === 'source' ? toWatermark(operatorMetric(v, table.name, 'source', 'currentOutputWatermark')) : null;
    const watermark = own ?? toWatermark(v?.inputWatermark) ?? (v ? chainWatermark(v) : null);
    const lag = table?.role === 'source' ? operatorMetric(v, table.name, 'source', 'pendingRecords') : undefined;
    return {
      nodeId: n.id,
      kind: n.kind,
      parallelism: v?.parallelism ?? n.parallelism ?? spec.config.parallelism,
      recordsIn,
      recordsOut,
      recordsInPerSec: rate(recordsIn, prev?.recordsIn),
      recordsOutPerSec: rate(recordsOut, prev?.recordsOut),
      watermark,
      lateRecordsDropped: 0,
      deadLettered: 0,
      ...(lag === undefined ? {} : { consumerLag: lag }),
      ...(v?.busyRatio === undefined ? {} : { busyRatio: v.busyRatio }),
      ...(v?.backPressuredRatio === undefined ? {} : { backPressuredRatio: v.backPressuredRatio }),
      ...(v?.idleRatio === undefined ? {} : { idleRatio: v.idleRatio }),
    };
  });
  return { jobId: input.jobId, ts: input.ts, status: input.status, operators, deadLetters: 0 };
}

/** How long a poll that reads unchanged totals repeats the last rates (Flink's metric store refreshes every 10 s by default). */
export const RATE_CARRY_MS = 12_000;

/**
 * Flink's REST API serves metric totals from a store refreshed every
 * `metrics.fetcher.update-interval` (10 s by default), so polls in between read the same totals and
 * then a jump: rates per poll would drop to 0 and then spike. Instead `sample` is built against
 * `base`, the sample where the totals last changed (its rates are the average since then), and a
 * sample with unchanged totals repeats `base`'s rates for up to {@link RATE_CARRY_MS}. Returns what
 * to show and the base for the next poll.
 */
export function smoothRates(sample: JobMetrics, base: JobMetrics | undefined): { shown: JobMetrics; base: JobMetrics } {
  if (base === undefined) return { shown: sample, base: sample };
  const was = new Map(base.operators.map((o) => [o.nodeId, o]));
  const changed = sample.operators.some((o) => o.recordsIn !== was.get(o.nodeId)?.recordsIn || o.recordsOut !== was.get(o.nodeId)?.recordsOut);
  if (changed) return { shown: sample, base: sample };
  if (sample.ts - base.ts > RATE_CARRY_MS) return { shown: sample, base };
  const operators = sample.operators.map((o) => {
    const b = was.get(o.nodeId)!;
    return { ...o, recordsInPerSec: b.recordsInPerSec, recordsOutPerSec: b.recordsOutPerSec };
  });
  return { shown: { ...sample, operators }, base };
}
