import { z } from 'zod';
import { fieldType } from '../fields.js';
import { single } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';

/** A column name; quoted when used, so any non-empty name up to PostgreSQL's 63 bytes is safe. */
const Column = z.string().min(1).max(63);

const PostgresSinkParams = z.strictObject({
  /** `postgres://user:password@host:5432/database` */
  connectionString: z.string().regex(/^postgres(ql)?:\/\//, 'a URL such as postgres://user@host:5432/db').describe('postgres://user:password@host:5432/database'),
  /** `table` or `schema.table`; any characters but `.` (names are always quoted in SQL). */
  table: z.string().regex(/^[^.\0]{1,63}(\.[^.\0]{1,63})?$/, 'a table name, optionally schema-qualified (schema.table)').describe('Table, or schema.table'),
  keyColumns: z.array(Column).default([]).describe('Columns that identify a row (upsert); the primary key of a created table'),
  mode: z.enum(['append', 'upsert']).default('append').describe('append: INSERT every record; upsert: insert or update by keyColumns'),
  /** Create the table from the input fields when it does not exist. */
  createTable: z.boolean().default(false).describe('Create the table from the input fields when it does not exist'),
});
export type PostgresSinkParams = z.infer<typeof PostgresSinkParams>;

export const postgresSink: OperatorDef<PostgresSinkParams> = {
  kind: 'sink.postgres',
  label: 'PostgreSQL',
  category: 'sink',
  description:
    'Writes records as rows, batched: append (INSERT) or upsert by key columns (INSERT … ON CONFLICT DO UPDATE). Can create the table from the input fields.',
  params: PostgresSinkParams,
  inputs: [{ name: 'in' }],
  outputs: [],
  defaults: { connectionString: 'postgres://postgres@localhost:5432/postgres', table: 'results', mode: 'append', keyColumns: [], createTable: true },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    if (params.mode === 'upsert' && params.keyColumns.length === 0) {
      issues.push({ path: ['keyColumns'], code: 'bad_params', message: 'upsert needs at least one key column' });
    }
    params.keyColumns.forEach((c, i) => {
      if (fieldType(input, c) === undefined) {
        const known = input.fields.map((f) => f.name).join(', ');
        issues.push({ path: ['keyColumns', i], code: 'unknown_field', message: `no field "${c}" in the input (fields: ${known || 'none'})` });
      }
    });
    if (new Set(params.keyColumns).size !== params.keyColumns.length) {
      issues.push({ path: ['keyColumns'], code: 'bad_params', message: 'a key column is listed twice' });
    }
    if (params.createTable && input.open && input.fields.length === 0) {
      issues.push({ path: ['createTable'], code: 'bad_params', message: 'the input has no declared fields to create columns from; declare them at the source or create the table yourself' });
    }
    return { output: input, issues };
  },
  summary: (p) => `${p.table} · ${p.mode}`,
};
