import type { JobMetrics, SpecProblem } from '@riffle/shared';
import { REPORTED_MAX_WATERMARK } from '../runtime/metrics.js';

const SOURCE_PREFIX = 'source.';

function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M/s`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k/s`;
  return `${n}/s`;
}

function watermark(wm: number | null): string {
  if (wm === null) return '-';
  if (wm >= REPORTED_MAX_WATERMARK) return 'end';
  return new Date(wm).toISOString().slice(11, 19);
}

/** One compact line per second: records/s per operator (sources: out, others: in). */
export function metricsLine(m: JobMetrics, elapsedMs: number): string {
  const ops = m.operators.map((o) => `${o.nodeId} ${rate(o.kind.startsWith(SOURCE_PREFIX) ? o.recordsOutPerSec : o.recordsInPerSec)}`);
  const last = m.operators[m.operators.length - 1];
  const secs = `${Math.round(elapsedMs / 1000)}s`.padStart(4);
  return `[${secs}] ${ops.join(' → ')} | wm ${watermark(last?.watermark ?? null)} | dead ${m.deadLetters}`;
}

/** Totals per operator, printed when the job ends. */
export function summary(m: JobMetrics): string[] {
  return m.operators.map((o) => {
    const extra = [o.lateRecordsDropped ? `late ${o.lateRecordsDropped}` : '', o.deadLettered ? `dead-lettered ${o.deadLettered}` : '']
      .filter(Boolean)
      .join(', ');
    return `  ${o.nodeId} (${o.kind}): in ${o.recordsIn}, out ${o.recordsOut}${extra ? `, ${extra}` : ''}`;
  });
}

/** Every problem of an invalid spec, one per line, as `  $.path: message`. */
export function problemLines(problems: SpecProblem[]): string[] {
  return problems.map((p) => `  ${p.path}: ${p.message}`);
}
