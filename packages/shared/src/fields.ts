/** The value types a record field can have; they map one-to-one onto CEL types. */
export const FIELD_TYPES = ['int', 'double', 'string', 'bool', 'list', 'map', 'dyn'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Field {
  name: string;
  type: FieldType;
}

/**
 * The shape of the records on a stream. `open` means further, unknown fields may be present
 * (e.g. NDJSON without a declared schema); expressions over an open schema type-check unknown
 * names as `dyn`.
 */
export interface RecordSchema {
  fields: Field[];
  open: boolean;
}

export const OPEN_SCHEMA: RecordSchema = { fields: [], open: true };

export function fieldType(schema: RecordSchema, name: string): FieldType | undefined {
  const f = schema.fields.find((x) => x.name === name);
  if (f) return f.type;
  return schema.open ? 'dyn' : undefined;
}

export function isNumeric(t: FieldType | undefined): boolean {
  return t === 'int' || t === 'double' || t === 'dyn';
}
