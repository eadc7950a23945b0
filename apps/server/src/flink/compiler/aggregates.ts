import type { AggregateSpec, Field } from '@riffle/shared';
import type { Compilation, NodeInput } from './context.js';

/**
 * Riffle's aggregates as Flink SQL aggregate calls over `input` (`over` is appended to each call,
 * e.g. ` OVER w`, for over aggregation). Both ignore NULL inputs and give NULL for no values.
 * avg casts to DOUBLE first: Flink's AVG of a BIGINT is a BIGINT, Riffle's avg a double. count
 * counts records (Riffle's count takes no field). first/last pick by event time in Riffle and by
 * arrival in Flink's FIRST_VALUE/LAST_VALUE, and top_n has no scalar SQL form: both are refused.
 * `outputs` are the node's output fields, for the aggregates' result types.
 */
export function aggregateCalls(c: Compilation, n: NodeInput, specs: AggregateSpec[], input: Field[], outputs: Field[], over = ''): Array<{ sql: string; field: Field }> | undefined {
  const calls: Array<{ sql: string; field: Field }> = [];
  for (const [i, a] of specs.entries()) {
    const field = outputs.find((f) => f.name === a.as) ?? { name: a.as, type: 'dyn' };
    if (a.fn === 'count') {
      calls.push({ sql: `COUNT(*)${over}`, field: { name: a.as, type: 'int' } });
      continue;
    }
    if (a.fn === 'first' || a.fn === 'last' || a.fn === 'top_n') {
      const why = a.fn === 'top_n' ? 'it has no scalar Flink SQL aggregate' : `Riffle's picks by event time, Flink's ${a.fn.toUpperCase()}_VALUE by arrival`;
      c.issue(n, 'flink_unsupported_aggregate', `${a.fn} does not run on Flink (${why})`, ['params', 'aggregate', i, 'fn']);
      return undefined;
    }
    const e = c.expression(n, ['aggregate', i, 'field'], a.field!, input);
    if (e === undefined) return undefined;
    const call = a.fn === 'avg' ? `AVG(CAST(${e.sql} AS DOUBLE))` : a.fn === 'count_distinct' ? `COUNT(DISTINCT ${e.sql})` : `${a.fn.toUpperCase()}(${e.sql})`;
    const type = field.type === 'dyn' && (a.fn === 'sum' || a.fn === 'min' || a.fn === 'max') ? e.type : field.type;
    calls.push({ sql: `${call}${over}`, field: { name: a.as, type } });
  }
  return calls;
}
