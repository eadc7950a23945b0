import { parseDuration, type AggregateSpec, type Field, type SessionParams, type SlidingParams, type TumblingParams } from '@riffle/shared';
import { aggregateCalls } from './aggregates.js';
import type { Compilation, NodeCompiler, NodeInput, Stream } from './context.js';
import { epochMillis, interval, KEY, q, TIME } from './sql.js';
import { windowInput } from './window-input.js';
import { topNJoin, topNView, type TopNView } from './window-top-n.js';

type WindowCommon = { aggregate: AggregateSpec[]; allowedLateness: string; having?: string | undefined };

/**
 * A window node as a window table-valued function with a window aggregation over it, emitting
 * what Riffle's windows emit: `key` (the keyBy's key, NULL on an unkeyed stream), `window_start`
 * and `window_end` as epoch ms, then the aggregates, with `having` as a filter on the result. The
 * time column becomes `window_time` (end − 1 ms, the timestamp Riffle gives a window result), so
 * a window can follow a window. Windows align to the epoch in both: the plan sets the session
 * time zone to UTC. Flink's window TVFs fire once, so allowed lateness (re-firing on late records)
 * is refused. top_n aggregates come from their own views (`window-top-n.ts`), joined per window.
 */
function compileWindow(c: Compilation, n: NodeInput<WindowCommon>, tvf: (table: string) => string): Stream | undefined {
  const input = windowInput(c, n);
  if ((parseDuration(n.params.allowedLateness) ?? 0) > 0) {
    c.issue(n, 'flink_unsupported_param', 'Flink SQL windows fire once: allowed lateness (firing again for late records) has no equivalent', ['params', 'allowedLateness']);
    return undefined;
  }
  const topIndexes: number[] = [];
  const aggs = aggregateCalls(c, n, n.params.aggregate, input.fields, n.type.output.fields, '', topIndexes);
  if (aggs === undefined) return undefined;
  const tops: TopNView[] = [];
  for (const i of topIndexes) {
    const view = topNView(c, n, input, tvf(input.relation), i, n.params.aggregate[i]!);
    if (view === undefined) return undefined;
    tops.push(view);
  }
  const keyed = input.keyType !== undefined;
  const key: Field = { name: 'key', type: keyed ? input.keyType! : 'string' };
  const byIndex = new Map<number, TopNView>(tops.map((t) => [t.index, t]));
  const outputs: Field[] = [];
  for (let i = 0, j = 0; i < n.params.aggregate.length; i++) outputs.push(byIndex.get(i)?.field ?? aggs[j++]!.field);
  const fields: Field[] = [key, { name: 'window_start', type: 'int' }, { name: 'window_end', type: 'int' }, ...outputs];
  let sql = tops.length === 0 ? aggregateSelect(input.relation, tvf, aggs, keyed) : withTopN(c, n, input.relation, tvf, aggs, tops, keyed);
  if (n.params.having !== undefined) {
    const having = c.expression(n, ['having'], n.params.having, fields);
    if (having === undefined) return undefined;
    sql = `SELECT * FROM (\n${sql}\n) WHERE ${having.sql}`;
  }
  return c.view(n, sql, fields);
}

/** The window aggregation of a node without top_n: Riffle's output fields straight from the GROUP BY. */
function aggregateSelect(relation: string, tvf: (table: string) => string, aggs: Array<{ sql: string; field: Field }>, keyed: boolean): string {
  const select = [
    `${keyed ? KEY : 'CAST(NULL AS STRING)'} AS ${q('key')}`,
    `${epochMillis('window_start')} AS ${q('window_start')}`,
    `${epochMillis('window_end')} AS ${q('window_end')}`,
    ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`),
    `window_time AS ${TIME}`,
  ];
  return `SELECT ${select.join(', ')}\nFROM TABLE(${tvf(relation)})\nGROUP BY window_start, window_end, window_time${keyed ? `, ${KEY}` : ''}`;
}

/**
 * A node with top_n: its other aggregates as a window aggregation (a view `<id>__aggs`, one row per
 * window and key, as Riffle emits them), left-joined per window and key to each top_n view — a
 * window join, so the result is still append-only and keeps `window_time` as its event time.
 */
function withTopN(c: Compilation, n: NodeInput<WindowCommon>, relation: string, tvf: (table: string) => string, aggs: Array<{ sql: string; field: Field }>, tops: TopNView[], keyed: boolean): string {
  const group = `window_start, window_end, window_time${keyed ? `, ${KEY}` : ''}`;
  const aggsView = q(`${n.node.id}__aggs`);
  c.setup.push(`CREATE TEMPORARY VIEW ${aggsView} AS\nSELECT ${[group, ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`)].join(', ')}\nFROM TABLE(${tvf(relation)})\nGROUP BY ${group}`);
  const alias = new Map(tops.map((t, i) => [t.index, `t${i}`]));
  const values: string[] = [];
  for (let i = 0, j = 0; i < n.params.aggregate.length; i++) {
    const top = tops.find((t) => t.index === i);
    values.push(top === undefined ? `a.${q(aggs[j++]!.field.name)}` : `COALESCE(${alias.get(i)}.${q(top.field.name)}, ${top.empty}) AS ${q(top.field.name)}`);
  }
  const select = [
    `${keyed ? `a.${KEY}` : 'CAST(NULL AS STRING)'} AS ${q('key')}`,
    `${epochMillis('a.window_start')} AS ${q('window_start')}`,
    `${epochMillis('a.window_end')} AS ${q('window_end')}`,
    ...values,
    `a.window_time AS ${TIME}`,
  ];
  return `SELECT ${select.join(', ')}\nFROM ${aggsView} a\n${tops.map((t) => topNJoin(t, alias.get(t.index)!, keyed)).join('\n')}`;
}

const ms = (d: string) => interval(parseDuration(d)!);

/** `window.tumbling {size}` → `TUMBLE`. */
export const compileTumbling: NodeCompiler<TumblingParams> = (c, n) => compileWindow(c, n, (t) => `TUMBLE(TABLE ${t}, DESCRIPTOR(${TIME}), ${ms(n.params.size)})`);

/** `window.sliding {size, slide}` → `HOP` (whose arguments are slide, then size). */
export const compileSliding: NodeCompiler<SlidingParams> = (c, n) => compileWindow(c, n, (t) => `HOP(TABLE ${t}, DESCRIPTOR(${TIME}), ${ms(n.params.slide)}, ${ms(n.params.size)})`);

/** `window.session {gap}` → `SESSION`, partitioned by the key so each key has its own sessions. */
export const compileSession: NodeCompiler<SessionParams> = (c, n) =>
  compileWindow(c, n, (t) => `SESSION(TABLE ${t}${n.inputs[0]!.keyType !== undefined ? ` PARTITION BY ${KEY}` : ''}, DESCRIPTOR(${TIME}), ${ms(n.params.gap)})`);
