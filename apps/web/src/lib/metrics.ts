import { getOperator, type OperatorMetrics } from '@riffle/shared';

/** The rate that describes an operator: what a sink receives, what anything else emits. */
export function rateOf(op: OperatorMetrics): number {
  return getOperator(op.kind)?.category === 'sink' ? op.recordsInPerSec : op.recordsOutPerSec;
}

/** `12345.6` → `12.3k`. */
export function formatRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
