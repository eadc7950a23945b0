import type { AggregateSpec } from '@riffle/shared';
import type { Compilation, NodeInput } from './context.js';
import { columnType, rowField, type RecordListField } from './rows.js';
import { KEY, q, TIME } from './sql.js';
import type { WindowInput } from './window-input.js';

/** One top_n aggregate of a window, as a view with one row per window (and key) that has any ranked record. */
export interface TopNView {
  /** Index of the aggregate in the node's `aggregate` param. */
  index: number;
  relation: string;
  field: RecordListField;
  /** An empty list of the right type, for windows without a record to rank (Riffle emits `[]`). */
  empty: string;
}

/**
 * Riffle's `top_n {field, n}`: the window's `n` input records with the highest `field` (NULLs
 * skipped), highest first, ties by earlier timestamp and then by arrival, as a list of whole
 * records. In Flink SQL: a Window Top-N over the same window TVF (`ROW_NUMBER()` per window and key
 * ordered by the field descending, then time) keeps those records, and a window aggregation over it
 * collects them with `ARRAY_AGG` into an `ARRAY<ROW<…>>` that JSON sinks write as a list of
 * objects. ARRAY_AGG has no ORDER BY in Flink; it collects in arrival order, and the rank operator
 * emits each window's records in rank order to the one subtask that aggregates that key, so the
 * list comes out highest first. Ties on both field and time keep the earlier arrival on both
 * engines (Flink's rank buffer keeps equal sort keys in arrival order). A window's results all
 * carry its last millisecond, and Riffle's windows emit one window's results in key order while
 * Flink's come in hash order: after a window (an input with `key` and `window_end`), ties are
 * broken by that `key` too, so both keep the same records. Flink has no Window Top-N on
 * processing time: refused. Undefined after an issue.
 */
export function topNView(c: Compilation, n: NodeInput, input: WindowInput, tvf: string, index: number, spec: AggregateSpec): TopNView | undefined {
  if (c.spec.config.time === 'processing') {
    c.issue(n, 'flink_unsupported_aggregate', 'top_n does not run on Flink on processing time (Flink has no Window Top-N on processing time)', ['params', 'aggregate', index, 'fn']);
    return undefined;
  }
  const e = c.expression(n, ['aggregate', index, 'field'], spec.field!, input.fields);
  if (e === undefined) return undefined;
  const items = input.record.map((r) => r.field);
  const rowType = columnType(rowField('', items));
  if (rowType === undefined) {
    c.issue(n, 'flink_unsupported_type', 'top_n keeps whole records, and a field of its input has no Flink type (int, double, string and bool do)', ['params', 'aggregate', index, 'fn']);
    return undefined;
  }
  const by = ['window_start', 'window_end', ...(input.keyType !== undefined ? [KEY] : [])].join(', ');
  const names = new Set(items.map((f) => f.name));
  const afterWindow = names.has('key') && names.has('window_end');
  const order = [`${e.sql} DESC`, `${TIME} ASC`, ...(afterWindow ? [`${input.record.find((r) => r.field.name === 'key')!.column} ASC`] : [])];
  const record = `CAST(ROW(${input.record.map((r) => r.column).join(', ')}) AS ${rowType})`;
  const relation = q(`${n.node.id}__top_${index}`);
  c.setup.push(
    `CREATE TEMPORARY VIEW ${relation} AS\n` +
      `SELECT ${by}, ARRAY_AGG(${q('__record')}) AS ${q(spec.as)} FROM (\n` +
      `SELECT ${by}, ${record} AS ${q('__record')}, ROW_NUMBER() OVER (PARTITION BY ${by} ORDER BY ${order.join(', ')}) AS ${q('__rank')}\n` +
      `FROM TABLE(${tvf}) WHERE ${e.sql} IS NOT NULL\n` +
      `) WHERE ${q('__rank')} <= ${spec.n ?? 1}\nGROUP BY ${by}`,
  );
  const field: RecordListField = { name: spec.as, type: 'list', items };
  return { index, relation, field, empty: `ARRAY_SLICE(ARRAY[CAST(NULL AS ${rowType})], 2, 1)` };
}

/** The ON condition joining a window's aggregates (alias `a`) to a top_n view (alias `alias`). */
export function topNJoin(view: TopNView, alias: string, keyed: boolean): string {
  const on = ['window_start', 'window_end', ...(keyed ? [KEY] : [])].map((col) => `a.${col} = ${alias}.${col}`);
  return `LEFT JOIN ${view.relation} ${alias} ON ${on.join(' AND ')}`;
}
