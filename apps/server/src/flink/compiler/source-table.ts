import type { Field } from '@riffle/shared';
import type { Compilation, NodeInput, Stream } from './context.js';
import { q, withOptions } from './sql.js';

/** Adds a source's `CREATE TEMPORARY TABLE` (named after the node) and returns it as a stream of `fields`. */
export function sourceTable(c: Compilation, n: NodeInput, columnDefs: string[], options: Record<string, string | number | undefined>, fields: Field[]): Stream {
  const relation = q(n.node.id);
  c.setup.push(`CREATE TEMPORARY TABLE ${relation} (\n  ${columnDefs.join(',\n  ')}\n) ${withOptions(options)}`);
  c.nodes[n.node.id] = { name: n.node.id, role: 'source' };
  return { relation, fields };
}

/**
 * A Flink table needs its columns up front: a source without declared `fields` (an open schema,
 * read as untyped JSON by Riffle) cannot become one. Undefined after an issue.
 */
export function declaredFields(c: Compilation, n: NodeInput): Field[] | undefined {
  if (n.type.output.open) {
    c.issue(n, 'flink_undeclared_fields', 'declare the fields of the records (name and type) to run on Flink: its tables need their columns up front', ['params', 'fields']);
    return undefined;
  }
  return n.type.output.fields;
}
