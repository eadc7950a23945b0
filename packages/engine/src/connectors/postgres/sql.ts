import type { FieldType } from '@riffle/shared';

/**
 * SQL text for the PostgreSQL sink. User-given names (table, columns) only ever appear as
 * quoted identifiers; values only ever as `$n` parameters.
 */

/** `"name"` with embedded quotes doubled: any text becomes exactly one identifier. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

export interface TableName {
  schema: string | undefined;
  name: string;
}

/** `table` or `schema.table` (as the catalog validates it). */
export function parseTableName(text: string): TableName {
  const dot = text.indexOf('.');
  return dot < 0 ? { schema: undefined, name: text } : { schema: text.slice(0, dot), name: text.slice(dot + 1) };
}

export function quoteTable(t: TableName): string {
  return t.schema === undefined ? quoteIdent(t.name) : `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** Column type of a record field type; lists, maps and untyped values are stored as jsonb. */
export function columnType(t: FieldType): string {
  switch (t) {
    case 'int': return 'bigint';
    case 'double': return 'double precision';
    case 'string': return 'text';
    case 'bool': return 'boolean';
    default: return 'jsonb';
  }
}

export function createTableSql(table: TableName, columns: Array<{ name: string; type: FieldType }>, keyColumns: readonly string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${columnType(c.type)}${keyColumns.includes(c.name) ? ' NOT NULL' : ''}`);
  if (keyColumns.length > 0) defs.push(`PRIMARY KEY (${keyColumns.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (${defs.join(', ')})`;
}

/**
 * A multi-row INSERT of `rows` rows over `columns`; for upsert with `ON CONFLICT (keys) DO
 * UPDATE` setting every non-key column (DO NOTHING when all columns are keys).
 */
export function insertSql(table: TableName, columns: readonly string[], rows: number, upsertKeys: readonly string[] | undefined): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    values.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
  }
  let sql = `INSERT INTO ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${values.join(', ')}`;
  if (upsertKeys !== undefined) {
    const rest = columns.filter((c) => !upsertKeys.includes(c));
    sql += ` ON CONFLICT (${upsertKeys.map(quoteIdent).join(', ')}) DO `;
    sql += rest.length === 0 ? 'NOTHING' : `UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
  }
  return sql;
}

/** PostgreSQL accepts at most 65535 parameters per statement. */
export const MAX_PARAMS = 65_535;
