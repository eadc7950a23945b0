import { getOperator, type JobMetrics, type OperatorMetrics } from '@riffle/shared';

/** The rate that describes an operator: what a sink receives, what anything else emits. */
export function rateOf(op: OperatorMetrics): number {
  return getOperator(op.kind)?.category === 'sink' ? op.recordsInPerSec : op.recordsOutPerSec;
}

export interface ThroughputRow {
  ts: number;
  rates: Record<string, number>;
}

/** Chart rows (one per sample) and the node ids seen, in first-seen order. */
export function throughputSeries(history: readonly JobMetrics[]): { rows: ThroughputRow[]; nodeIds: string[] } {
  const ids = new Set<string>();
  const rows = history.map((m) => {
    const rates: Record<string, number> = {};
    for (const op of m.operators) {
      ids.add(op.nodeId);
      rates[op.nodeId] = rateOf(op);
    }
    return { ts: m.ts, rates };
  });
  return { rows, nodeIds: [...ids] };
}

/** `12345.6` → `12.3k`. */
export function formatRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
