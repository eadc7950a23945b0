import type { AggregateSpec, Field } from '@riffle/shared';
import type { Compilation, NodeInput } from './context.js';
import { FIRST_LAST_NOTE, firstLastCall } from './first-last.js';

const SCALAR = new Set(['int', 'double', 'string', 'bool']);

/**
 * Riffle's aggregates as Flink SQL aggregate calls over `input` (`over` is appended to each call,
 * e.g. ` OVER w`, for over aggregation). Both ignore NULL inputs and give NULL for no values.
 * avg casts to DOUBLE first: Flink's AVG of a BIGINT is a BIGINT, Riffle's avg a double. count
 * counts records (Riffle's count takes no field). first/last pick by event time (see
 * {@link firstLastCall}). top_n has no scalar SQL form: only windows take it (`window-top-n.ts`),
 * by passing `topN` to collect those aggregates' indexes instead of refusing them.
 * `outputs` are the node's output fields, for the aggregates' result types.
 */
export function aggregateCalls(c: Compilation, n: NodeInput, specs: AggregateSpec[], input: Field[], outputs: Field[], over = '', topN?: number[]): Array<{ sql: string; field: Field }> | undefined {
  const calls: Array<{ sql: string; field: Field }> = [];
  let noted = false;
  for (const [i, a] of specs.entries()) {
    const field = outputs.find((f) => f.name === a.as) ?? { name: a.as, type: 'dyn' };
    if (a.fn === 'count') {
      calls.push({ sql: `COUNT(*)${over}`, field: { name: a.as, type: 'int' } });
      continue;
    }
    if (a.fn === 'top_n') {
      if (topN !== undefined) {
        topN.push(i);
        continue;
      }
      c.issue(n, 'flink_unsupported_aggregate', 'top_n does not run on Flink here (it has no scalar Flink SQL aggregate; tumbling and sliding windows take it)', ['params', 'aggregate', i, 'fn']);
      return undefined;
    }
    const e = c.expression(n, ['aggregate', i, 'field'], a.field!, input);
    if (e === undefined) return undefined;
    if (a.fn === 'first' || a.fn === 'last') {
      if (!SCALAR.has(e.type)) {
        c.issue(n, 'flink_unsupported_type', `${a.fn} of a ${e.type} value does not run on Flink (int, double, string and bool do)`, ['params', 'aggregate', i, 'field']);
        return undefined;
      }
      if (!noted) c.notes.push(`${n.node.id}: ${FIRST_LAST_NOTE}`);
      noted = true;
      calls.push({ sql: firstLastCall(a.fn, e.sql, e.type, over), field: { name: a.as, type: e.type } });
      continue;
    }
    const call = a.fn === 'avg' ? `AVG(CAST(${e.sql} AS DOUBLE))` : a.fn === 'count_distinct' ? `COUNT(DISTINCT ${e.sql})` : `${a.fn.toUpperCase()}(${e.sql})`;
    const type = field.type === 'dyn' && (a.fn === 'sum' || a.fn === 'min' || a.fn === 'max') ? e.type : field.type;
    calls.push({ sql: `${call}${over}`, field: { name: a.as, type } });
  }
  return calls;
}
