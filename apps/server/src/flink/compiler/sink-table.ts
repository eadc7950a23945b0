import type { Compilation, NodeInput } from './context.js';
import { columnType, itemFields, rowFields } from './rows.js';
import { columns, q, withOptions } from './sql.js';

/**
 * Adds a sink's `CREATE TEMPORARY TABLE` (named after the node, one column per field of its input)
 * and its `INSERT INTO … SELECT` for the job's statement set. `primaryKey` makes it an upsert table;
 * `extra` is one more column, computed in the INSERT (a Kafka message key). False after an issue
 * (a field without a Flink SQL type).
 */
export function sinkTable(
  c: Compilation,
  n: NodeInput,
  options: Record<string, string | number | undefined>,
  more: { primaryKey?: string[]; extra?: { column: string; type: string; sql: string } } = {},
): boolean {
  const { primaryKey, extra } = more;
  const input = n.inputs[0]!;
  const defs: string[] = [];
  for (const f of input.fields) {
    const t = columnType(f);
    if (t === undefined) {
      c.issue(n, 'flink_unsupported_type', `its input field "${f.name}" is ${f.type === 'dyn' ? 'untyped' : f.type}; a Flink table column must be int, double, string or bool`);
      return false;
    }
    if ((rowFields(f) !== undefined || itemFields(f) !== undefined) && options.connector === 'jdbc') {
      c.issue(n, 'flink_unsupported_type', `its input field "${f.name}" is a whole record (a join's left or right) or a list of records (top_n): a PostgreSQL column takes one value; map its fields out first`);
      return false;
    }
    defs.push(`${q(f.name)} ${t}${primaryKey?.includes(f.name) ? ' NOT NULL' : ''}`);
  }
  if (extra !== undefined) defs.push(`${q(extra.column)} ${extra.type}`);
  if (primaryKey !== undefined && primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map(q).join(', ')}) NOT ENFORCED`);
  const relation = q(n.node.id);
  c.setup.push(`CREATE TEMPORARY TABLE ${relation} (\n  ${defs.join(',\n  ')}\n) ${withOptions(options)}`);
  c.inserts.push(`INSERT INTO ${relation} SELECT ${columns(input.fields)}${extra !== undefined ? `, ${extra.sql}` : ''} FROM ${input.relation}`);
  c.nodes[n.node.id] = { name: n.node.id, role: 'sink' };
  return true;
}
