import type { Field, FilterParams, KeyByParams, MapParams } from '@riffle/shared';
import type { NodeCompiler } from './context.js';
import { columns, KEY, q, TIME } from './sql.js';

/** `filter` → a view with the translated predicate as its WHERE clause (a NULL result drops the row, as false does). */
export const compileFilter: NodeCompiler<FilterParams> = (c, n) => {
  const input = n.inputs[0]!;
  const pred = c.expression(n, ['expr'], n.params.expr, input.fields);
  if (pred === undefined) return undefined;
  return c.view(n, `SELECT ${columns(input.fields)}, ${TIME} FROM ${input.relation} WHERE ${pred.sql}`, input.fields);
};

/**
 * `map` → a projection in the field order Riffle's map emits (with `keepInput`: the input fields,
 * a computed one in place of an input field of the same name, new ones after). The time column
 * passes through, as a map keeps each record's timestamp.
 */
export const compileMap: NodeCompiler<MapParams> = (c, n) => {
  const input = n.inputs[0]!;
  const computed = new Map<string, { sql: string; field: Field }>();
  for (const [i, f] of n.params.fields.entries()) {
    const e = c.expression(n, ['fields', i, 'expr'], f.expr, input.fields);
    if (e === undefined) return undefined;
    computed.set(f.as, { sql: e.sql, field: { name: f.as, type: e.type === 'dyn' ? (n.type.output.fields.find((x) => x.name === f.as)?.type ?? 'dyn') : e.type } });
  }
  const out: Field[] = n.params.keepInput ? input.fields.map((f) => computed.get(f.name)?.field ?? f) : [];
  for (const { field } of computed.values()) if (!out.some((f) => f.name === field.name)) out.push(field);
  const select = out.map((f) => {
    const e = computed.get(f.name);
    return e === undefined ? q(f.name) : `${e.sql} AS ${q(f.name)}`;
  });
  return c.view(n, `SELECT ${[...select, TIME].join(', ')} FROM ${input.relation}`, out);
};

/**
 * `keyBy` → the input plus the key as a column ({@link KEY}) that the next node partitions or
 * groups by; keyBy itself moves no data in SQL (the planner shuffles for the keyed node after it).
 */
export const compileKeyBy: NodeCompiler<KeyByParams> = (c, n) => {
  const input = n.inputs[0]!;
  const key = c.expression(n, ['key'], n.params.key, input.fields);
  if (key === undefined) return undefined;
  const keyType = key.type === 'dyn' ? (n.type.keyType ?? 'dyn') : key.type;
  return c.view(n, `SELECT ${columns(input.fields)}, ${TIME}, ${key.sql} AS ${KEY} FROM ${input.relation}`, input.fields, keyType);
};
