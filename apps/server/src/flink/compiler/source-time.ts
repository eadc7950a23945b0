import { parseDuration, type Field } from '@riffle/shared';
import type { Compilation, NodeInput } from './context.js';
import { interval, q, sqlType, TIME } from './sql.js';

/** A source's time params, as the file, datagen and Kafka sources share them. */
export interface SourceTime {
  /** The source's node kind, where its table honours a setting itself (Kafka's on-event emission). */
  kind?: string;
  timestamp?: string | undefined;
  watermark: { strategy?: 'bounded' | 'monotonous'; maxOutOfOrderness: string; idleTimeout?: string | undefined; intervalMs?: number };
}

/**
 * The column definitions of a source table: one per declared field, then the time column and
 * its watermark. Event time from the `timestamp` field or expression (epoch ms →
 * `TO_TIMESTAMP_LTZ(x, 3)`; `how.timestampSql` when the caller has it as SQL already); `how.recordTime`
 * is the connector's own timestamp (Kafka's) when there is none. Riffle's bounded watermark is max timestamp − bound − 1 ms (Flink's
 * BoundedOutOfOrderness); a SQL watermark is exactly its expression's value, so the 1 ms goes
 * into the interval (Flink's documented "ascending timestamps" form, `- INTERVAL '0.001' SECOND`).
 * Returns undefined after pushing an issue.
 */
export function sourceColumns(c: Compilation, n: NodeInput, fields: Field[], time: SourceTime, how: { recordTime?: string; timestampSql?: string; columns?: string[] } = {}): string[] | undefined {
  const defs: string[] = [...(how.columns ?? [])];
  for (const [i, f] of fields.entries()) {
    const t = sqlType(f.type);
    if (t === undefined) {
      c.issue(n, 'flink_unsupported_type', `field "${f.name}" is ${f.type}; Flink tables take int, double, string and bool fields`, ['params', 'fields', i, 'type']);
      return undefined;
    }
    defs.push(`${q(f.name)} ${t}`);
  }
  if (c.spec.config.time === 'processing') return [...defs, `${TIME} AS PROCTIME()`];
  let rowtime: string;
  if (how.timestampSql !== undefined) {
    rowtime = `${TIME} AS TO_TIMESTAMP_LTZ(${how.timestampSql}, 3)`;
  } else if (time.timestamp !== undefined) {
    const e = c.expression(n, ['timestamp'], time.timestamp, fields);
    if (e === undefined) return undefined;
    rowtime = `${TIME} AS TO_TIMESTAMP_LTZ(CAST(${e.sql} AS BIGINT), 3)`;
  } else if (how.recordTime !== undefined) {
    rowtime = `${TIME} ${how.recordTime}`;
  } else {
    // Riffle stamps such records with their ingestion time; Flink's nearest is processing time.
    c.notes.push(`${n.node.id}: no timestamp, so Riffle uses ingestion time; on Flink the records carry processing time (PROCTIME())`);
    return [...defs, `${TIME} AS PROCTIME()`];
  }
  const bound = time.watermark.strategy === 'monotonous' ? 0 : (parseDuration(time.watermark.maxOutOfOrderness) ?? 0);
  return [...defs, rowtime, `WATERMARK FOR ${TIME} AS ${TIME} - ${interval(bound + 1)}`];
}

/**
 * Job-wide watermark settings from the sources' params. Flink SQL sets the idle timeout and the
 * watermark interval per job, not per source, so the smallest of the sources' values applies to all.
 */
export function watermarkSettings(c: Compilation, sources: SourceTime[]): void {
  const idle = sources.map((s) => (s.watermark.idleTimeout === undefined ? undefined : parseDuration(s.watermark.idleTimeout))).filter((x): x is number => x !== undefined && x > 0);
  if (idle.length > 0) c.setup.push(`SET 'table.exec.source.idle-timeout' = '${Math.min(...idle)} ms'`);
  const every = sources.map((s) => s.watermark.intervalMs).filter((x): x is number => x !== undefined);
  // 0 (a watermark after every record) has no Flink SQL equivalent: periodic at the default 200 ms then.
  const positive = every.filter((x) => x > 0);
  if (positive.length > 0) c.setup.push(`SET 'pipeline.auto-watermark-interval' = '${Math.min(...positive)} ms'`);
  // (A Kafka source's 0 is its table's on-event emission strategy: see source-kafka.ts.)
  if (every.includes(0) && sources.some((s) => s.watermark.intervalMs === 0 && s.kind !== 'source.kafka'))
    c.notes.push('watermark intervalMs 0 has no Flink equivalent for file and generated sources: Flink emits their watermarks periodically');
}
