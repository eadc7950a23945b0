import { parseDuration, type AggregateSpec, type Field, type SessionParams, type SlidingParams, type TumblingParams } from '@riffle/shared';
import { aggregateCalls } from './aggregates.js';
import type { Compilation, NodeCompiler, NodeInput, Stream } from './context.js';
import { epochMillis, interval, KEY, q, TIME } from './sql.js';
import { windowInput } from './window-input.js';

type WindowCommon = { aggregate: AggregateSpec[]; allowedLateness: string; having?: string | undefined };

/**
 * A window node as a window table-valued function with a window aggregation over it, emitting
 * what Riffle's windows emit: `key` (the keyBy's key, NULL on an unkeyed stream), `window_start`
 * and `window_end` as epoch ms, then the aggregates, with `having` as a filter on the result. The
 * time column becomes `window_time` (end − 1 ms, the timestamp Riffle gives a window result), so
 * a window can follow a window. Windows align to the epoch in both: the plan sets the session
 * time zone to UTC. Flink's window TVFs fire once, so allowed lateness (re-firing on late records)
 * is refused.
 */
function compileWindow(c: Compilation, n: NodeInput<WindowCommon>, tvf: (table: string) => string): Stream | undefined {
  const input = windowInput(c, n);
  if ((parseDuration(n.params.allowedLateness) ?? 0) > 0) {
    c.issue(n, 'flink_unsupported_param', 'Flink SQL windows fire once: allowed lateness (firing again for late records) has no equivalent', ['params', 'allowedLateness']);
    return undefined;
  }
  const aggs = aggregateCalls(c, n, n.params.aggregate, input.fields, n.type.output.fields);
  if (aggs === undefined) return undefined;
  const keyed = input.keyType !== undefined;
  const key: Field = { name: 'key', type: keyed ? input.keyType! : 'string' };
  const fields: Field[] = [key, { name: 'window_start', type: 'int' }, { name: 'window_end', type: 'int' }, ...aggs.map((a) => a.field)];
  const select = [
    `${keyed ? KEY : 'CAST(NULL AS STRING)'} AS ${q('key')}`,
    `${epochMillis('window_start')} AS ${q('window_start')}`,
    `${epochMillis('window_end')} AS ${q('window_end')}`,
    ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`),
    `window_time AS ${TIME}`,
  ];
  let sql = `SELECT ${select.join(', ')}\nFROM TABLE(${tvf(input.relation)})\nGROUP BY window_start, window_end, window_time${keyed ? `, ${KEY}` : ''}`;
  if (n.params.having !== undefined) {
    const having = c.expression(n, ['having'], n.params.having, fields);
    if (having === undefined) return undefined;
    sql = `SELECT * FROM (\n${sql}\n) WHERE ${having.sql}`;
  }
  return c.view(n, sql, fields);
}

const ms = (d: string) => interval(parseDuration(d)!);

/** `window.tumbling {size}` → `TUMBLE`. */
export const compileTumbling: NodeCompiler<TumblingParams> = (c, n) => compileWindow(c, n, (t) => `TUMBLE(TABLE ${t}, DESCRIPTOR(${TIME}), ${ms(n.params.size)})`);

/** `window.sliding {size, slide}` → `HOP` (whose arguments are slide, then size). */
export const compileSliding: NodeCompiler<SlidingParams> = (c, n) => compileWindow(c, n, (t) => `HOP(TABLE ${t}, DESCRIPTOR(${TIME}), ${ms(n.params.slide)}, ${ms(n.params.size)})`);

/** `window.session {gap}` → `SESSION`, partitioned by the key so each key has its own sessions. */
export const compileSession: NodeCompiler<SessionParams> = (c, n) =>
  compileWindow(c, n, (t) => `SESSION(TABLE ${t}${n.inputs[0]!.keyType !== undefined ? ` PARTITION BY ${KEY}` : ''}, DESCRIPTOR(${TIME}), ${ms(n.params.gap)})`);
