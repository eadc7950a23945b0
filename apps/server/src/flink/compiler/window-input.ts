import type { Field } from '@riffle/shared';
import type { Compilation, NodeInput, Stream } from './context.js';
import { KEY, q, TIME } from './sql.js';

/** The columns a window TVF adds to its input. */
const TVF_COLUMNS = new Set(['window_start', 'window_end', 'window_time']);

/** A window node's input: the stream its TVF reads, and where each field of the whole input record is. */
export interface WindowInput extends Stream {
  /** Every field of the input record, in order, with the column that holds it (top_n keeps whole records). */
  record: Array<{ field: Field; column: string }>;
}

/**
 * A window node's input as its TVF can take it. A window TVF adds `window_start`, `window_end` and
 * `window_time`, so an input that has fields of those names (a window or window join before it)
 * would make them ambiguous: such an input goes through a view that renames them to
 * `__in_<name>`, which only the whole record (a top_n result) reads, under its own name again. A
 * node's aggregates cannot read them: a clear "unknown field" issue rather than a Flink error.
 */
export function windowInput(c: Compilation, n: NodeInput): WindowInput {
  const input = n.inputs[0]!;
  if (!input.fields.some((f) => TVF_COLUMNS.has(f.name))) return { ...input, record: input.fields.map((field) => ({ field, column: q(field.name) })) };
  const record = input.fields.map((field) => ({ field, column: q(TVF_COLUMNS.has(field.name) ? `__in_${field.name}` : field.name) }));
  const cols = [...input.fields.map((f, i) => (TVF_COLUMNS.has(f.name) ? `${q(f.name)} AS ${record[i]!.column}` : q(f.name))), TIME, ...(input.keyType !== undefined ? [KEY] : [])];
  const relation = q(`${n.node.id}__input`);
  c.setup.push(`CREATE TEMPORARY VIEW ${relation} AS\nSELECT ${cols.join(', ')} FROM ${input.relation}`);
  return { ...input, relation, fields: input.fields.filter((f) => !TVF_COLUMNS.has(f.name)), record };
}
