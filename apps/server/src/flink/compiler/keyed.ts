import { parseDuration, type Field, type OverParams, type ReduceParams } from '@riffle/shared';
import { aggregateCalls } from './aggregates.js';
import type { NodeCompiler } from './context.js';
import { columns, interval, KEY, q, TIME } from './sql.js';

/**
 * `reduce` (a running aggregate per key, one updated result per record) → over aggregation with
 * `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`: append-only, one row per input row, as
 * Riffle's. A GROUP BY would be an updating result that file and Kafka sinks cannot take. Flink
 * orders each key's rows by time (event time: after the watermark, dropping late rows), Riffle
 * takes them as they arrive: the same results when the input is in order (processing time always).
 */
export const compileReduce: NodeCompiler<ReduceParams> = (c, n) => {
  const input = n.inputs[0]!;
  if (n.params.ttl !== undefined) {
    c.issue(n, 'flink_unsupported_param', 'a state TTL per node has no Flink SQL equivalent for over aggregation', ['params', 'ttl']);
    return undefined;
  }
  if (n.params.upsertKey !== undefined) {
    c.issue(n, 'flink_unsupported_param', 'an upsert input (upsertKey) does not run on Flink yet', ['params', 'upsertKey']);
    return undefined;
  }
  const aggs = aggregateCalls(c, n, n.params.aggregate, input.fields, n.type.output.fields, ' OVER w');
  if (aggs === undefined) return undefined;
  const fields: Field[] = [{ name: 'key', type: input.keyType ?? 'string' }, ...aggs.map((a) => a.field)];
  const select = [`${KEY} AS ${q('key')}`, ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`), TIME];
  return c.view(n, `SELECT ${select.join(', ')} FROM ${input.relation}\nWINDOW w AS (PARTITION BY ${KEY} ORDER BY ${TIME} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`, fields);
};

/**
 * `over {range}` → over aggregation with `RANGE BETWEEN range PRECEDING AND CURRENT ROW`, the
 * semantics Riffle's over operator copies from Flink (rows in [t − range, t], peers included).
 */
export const compileOver: NodeCompiler<OverParams> = (c, n) => {
  const input = n.inputs[0]!;
  const aggs = aggregateCalls(c, n, n.params.aggregate, input.fields, n.type.output.fields, ' OVER w');
  if (aggs === undefined) return undefined;
  const fields: Field[] = [...input.fields, ...aggs.map((a) => a.field)];
  const select = [columns(input.fields), ...aggs.map((a) => `${a.sql} AS ${q(a.field.name)}`), TIME];
  const range = interval(parseDuration(n.params.range)!);
  return c.view(n, `SELECT ${select.join(', ')} FROM ${input.relation}\nWINDOW w AS (PARTITION BY ${KEY} ORDER BY ${TIME} RANGE BETWEEN ${range} PRECEDING AND CURRENT ROW)`, fields);
};
