import type { Compilation, NodeInput, Stream } from './context.js';
import { columns, KEY, q, TIME } from './sql.js';

/** The columns a window TVF adds to its input. */
const TVF_COLUMNS = new Set(['window_start', 'window_end', 'window_time']);

/**
 * A window node's input as its TVF can take it. A window TVF adds `window_start`, `window_end` and
 * `window_time`, so an input that has fields of those names (a window or window join before it)
 * would make them ambiguous: such an input goes through a view without them (a node's aggregates
 * then cannot read them: a clear "unknown field" issue rather than a Flink error).
 */
export function windowInput(c: Compilation, n: NodeInput): Stream {
  const input = n.inputs[0]!;
  if (!input.fields.some((f) => TVF_COLUMNS.has(f.name))) return input;
  const fields = input.fields.filter((f) => !TVF_COLUMNS.has(f.name));
  const relation = q(`${n.node.id}__input`);
  const cols = [...(fields.length > 0 ? [columns(fields)] : []), TIME, ...(input.keyType !== undefined ? [KEY] : [])];
  c.setup.push(`CREATE TEMPORARY VIEW ${relation} AS\nSELECT ${cols.join(', ')} FROM ${input.relation}`);
  return { ...input, relation, fields };
}
