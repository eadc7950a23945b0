import type { Field, SqlField } from '@riffle/shared';
import { q, sqlType } from './sql.js';

/** The fields of a field that holds a whole record as a Flink ROW (a join's `left`/`right`), if it is one. */
export function rowFields(f: Field): readonly SqlField[] | undefined {
  return (f as SqlField).row;
}

/** A record-valued field (Riffle type `map`) whose fields the compiler knows: a ROW column. */
export function rowField(name: string, fields: readonly Field[]): SqlField {
  return { name, type: 'map', row: fields };
}

/** A list-of-records field (Riffle type `list`, a window's top_n) whose records' fields the compiler knows: an `ARRAY<ROW<…>>` column. */
export interface RecordListField extends Field {
  items: readonly Field[];
}

/** The fields of each record of a list-of-records field (a top_n result), if it is one. */
export function itemFields(f: Field): readonly Field[] | undefined {
  return (f as Partial<RecordListField>).items;
}

/**
 * A column's Flink SQL type: a scalar's, `ROW<…>` of a record-valued field's fields, or
 * `ARRAY<ROW<…>>` of a list of records; undefined for other lists, maps and untyped fields.
 */
export function columnType(f: Field): string | undefined {
  const items = itemFields(f);
  if (items !== undefined) {
    const t = columnType(rowField('', items));
    return t === undefined ? undefined : `ARRAY<${t}>`;
  }
  const row = rowFields(f);
  if (row === undefined) return sqlType(f.type);
  const parts = row.map((x) => [x, columnType(x)] as const);
  if (parts.some(([, t]) => t === undefined)) return undefined;
  return `ROW<${parts.map(([x, t]) => `${q(x.name)} ${t}`).join(', ')}>`;
}

/**
 * The record columns of relation alias `alias` as one ROW value with named fields, so a JSON sink
 * writes it as a nested object, as Riffle's joins emit `left` and `right`. Undefined when a field
 * has no Flink type.
 */
export function rowOf(alias: string, fields: readonly Field[]): string | undefined {
  const type = columnType(rowField('', fields));
  if (type === undefined) return undefined;
  return `CAST(ROW(${fields.map((f) => `${alias}.${q(f.name)}`).join(', ')}) AS ${type})`;
}
