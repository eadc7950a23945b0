import type { Field, GlobalParams } from '@riffle/shared';
import { aggregateCalls } from './aggregates.js';
import type { NodeCompiler } from './context.js';
import { columns, KEY, q, TIME } from './sql.js';

/**
 * `window.global {trigger: {count}}` (Flink's countWindow: a result every `count` records of a
 * key, a remainder never fires) as two over aggregations, both append-only: the first numbers each
 * key's records (`__seq`, ROWS from the first), the second aggregates the last `count` rows and
 * keeps only the rows whose number is a multiple of `count`, i.e. the record that completes a
 * batch, whose time the result carries as in Riffle. Flink SQL has no count window, and a GROUP BY
 * on the batch number would emit updates. Over aggregation orders each key's rows by time and, on
 * event time, drops rows behind the watermark, where Riffle counts in arrival order and never drops:
 * the same results when each key's records arrive in time order (the plan's notes say so).
 */
export const compileCountWindow: NodeCompiler<GlobalParams> = (c, n) => {
  const input = n.inputs[0]!;
  const keyed = input.keyType !== undefined;
  const count = n.params.trigger.count;
  const aggs = aggregateCalls(c, n, n.params.aggregate, input.fields, n.type.output.fields, ' OVER w');
  if (aggs === undefined) return undefined;
  const partition = keyed ? `PARTITION BY ${KEY} ` : '';
  const numbered = q(`${n.node.id}__seq`);
  const cols = [...(input.fields.length > 0 ? [columns(input.fields)] : []), TIME, ...(keyed ? [KEY] : [])];
  c.setup.push(`CREATE TEMPORARY VIEW ${numbered} AS\nSELECT ${cols.join(', ')}, COUNT(*) OVER (${partition}ORDER BY ${TIME} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${q('__seq')} FROM ${input.relation}`);
  const fields: Field[] = [{ name: 'key', type: input.keyType ?? 'string' }, ...aggs.map((a) => a.field)];
  const select = [`${keyed ? KEY : 'CAST(NULL AS STRING)'} AS ${q('key')}`, ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`), q('__seq'), TIME];
  const batches =
    `SELECT ${select.join(', ')} FROM ${numbered}\n` +
    `WINDOW w AS (${partition}ORDER BY ${TIME} ROWS BETWEEN ${count - 1} PRECEDING AND CURRENT ROW)`;
  let where = `MOD(${q('__seq')}, ${count}) = 0`;
  if (n.params.having !== undefined) {
    const having = c.expression(n, ['having'], n.params.having, fields);
    if (having === undefined) return undefined;
    where += ` AND ${having.sql}`;
  }
  c.notes.push(`${n.node.id}: Flink counts each key's records in event-time order and drops records behind the watermark; Riffle counts them as they arrive and drops none (the same results on in-order input)`);
  return c.view(n, `SELECT ${columns(fields)}, ${TIME} FROM (\n${batches}\n) WHERE ${where}`, fields);
};
