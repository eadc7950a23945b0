import { dottedPath } from '../store/params';

/** The subset of JSON Schema that `z.toJSONSchema` emits for operator params. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
}

interface FieldBase {
  path: Array<string | number>;
  /** Dotted path below params (`aggregate.0.as`): test ids and error lookup. */
  key: string;
  name: string;
  required: boolean;
  value: unknown;
  default?: unknown;
  description?: string;
}

export type FormField =
  | (FieldBase & { control: 'text'; format?: string })
  | (FieldBase & { control: 'number'; integer: boolean; min?: number; max?: number })
  | (FieldBase & { control: 'boolean' })
  | (FieldBase & { control: 'enum'; options: string[] })
  | (FieldBase & { control: 'object'; fields: FormField[] })
  | (FieldBase & { control: 'array'; rows: FormField[]; newItem: unknown; minItems: number })
  | (FieldBase & { control: 'json' });

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? undefined : s.type);

/** A fresh value for a new array row: required properties filled with neutral values. */
export function emptyValue(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.enum && s.enum.length > 0) return s.enum[0];
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = emptyValue(s.properties?.[k] ?? {});
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return s.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}

/** Builds the form for one value of schema `s` at `path`. */
export function buildField(s: JsonSchema, value: unknown, path: Array<string | number>, required: boolean): FormField {
  const base: FieldBase = { path, key: dottedPath(path), name: String(path[path.length - 1] ?? ''), required, value };
  if (s.default !== undefined) base.default = s.default;
  if (s.description !== undefined) base.description = s.description;
  if (s.enum) return { ...base, control: 'enum', options: s.enum.map(String) };
  switch (typeOf(s)) {
    case 'string':
      return s.format === undefined ? { ...base, control: 'text' } : { ...base, control: 'text', format: s.format };
    case 'number':
    case 'integer': {
      const f: FormField = { ...base, control: 'number', integer: s.type === 'integer' };
      const min = s.minimum ?? s.exclusiveMinimum;
      // zod writes ±MAX_SAFE_INTEGER for plain ints; those are not worth showing.
      if (min !== undefined && Math.abs(min) < Number.MAX_SAFE_INTEGER) f.min = min;
      if (s.maximum !== undefined && Math.abs(s.maximum) < Number.MAX_SAFE_INTEGER) f.max = s.maximum;
      return f;
    }
    case 'boolean':
      return { ...base, control: 'boolean' };
    case 'object': {
      const obj = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      const req = new Set(s.required ?? []);
      const fields = Object.entries(s.properties ?? {}).map(([k, sub]) => buildField(sub, obj[k], [...path, k], req.has(k)));
      return { ...base, control: 'object', fields };
    }
    case 'array': {
      const items = Array.isArray(value) ? value : [];
      const itemSchema = s.items ?? {};
      const rows = items.map((v, i) => buildField(itemSchema, v, [...path, i], true));
      return { ...base, control: 'array', rows, newItem: emptyValue(itemSchema), minItems: s.minItems ?? 0 };
    }
    default:
      return { ...base, control: 'json' };
  }
}

/** The fields of a node's params form, one per top-level param. */
export function buildForm(schema: JsonSchema, params: Record<string, unknown>): FormField[] {
  const root = buildField({ ...schema, type: 'object' }, params, [], true);
  return root.control === 'object' ? root.fields : [];
}

/** Every dotted path the form shows an error slot for (fields, objects, arrays and rows). */
export function formKeys(fields: readonly FormField[], into = new Set<string>()): Set<string> {
  for (const f of fields) {
    into.add(f.key);
    if (f.control === 'object') formKeys(f.fields, into);
    if (f.control === 'array') formKeys(f.rows, into);
  }
  return into;
}
