import { z } from 'zod';
import type { Field } from '../fields.js';
import { checkExpr, checkFieldOrExpr, Expr, OnError, OutputFieldName, single } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';


const MapParams = z.strictObject({
  fields: z.array(z.strictObject({ as: OutputFieldName, expr: Expr })).min(1, 'add at least one output field'),
  /** Keep the input fields and add/overwrite the computed ones, instead of projecting. */
  keepInput: z.boolean().default(false),
  onError: OnError,
});
export type MapParams = z.infer<typeof MapParams>;

export const mapOp: OperatorDef<MapParams> = {
  kind: 'map',
  label: 'Map',
  category: 'transform',
  description: 'Computes new fields from each record (a projection unless keepInput is set).',
  params: MapParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { fields: [{ as: 'value', expr: '1' }], keepInput: false },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    const out: Field[] = params.keepInput ? [...input.fields] : [];
    const seen = new Set<string>();
    params.fields.forEach((f, i) => {
      if (seen.has(f.as)) issues.push({ path: ['fields', i, 'as'], code: 'bad_params', message: `field "${f.as}" is defined twice` });
      seen.add(f.as);
      const t = checkExpr(issues, ['fields', i, 'expr'], f.expr, input) ?? 'dyn';
      const at = out.findIndex((x) => x.name === f.as);
      if (at >= 0) out[at] = { name: f.as, type: t };
      else out.push({ name: f.as, type: t });
    });
    return { output: { fields: out, open: params.keepInput && input.open }, issues };
  },
  summary: (p) => p.fields.map((f) => f.as).join(', '),
};

const FilterParams = z.strictObject({ expr: Expr, onError: OnError });
export type FilterParams = z.infer<typeof FilterParams>;

export const filterOp: OperatorDef<FilterParams> = {
  kind: 'filter',
  label: 'Filter',
  category: 'transform',
  description: 'Keeps the records for which the expression is true.',
  params: FilterParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { expr: 'true' },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    checkExpr(issues, ['expr'], params.expr, input, ['bool']);
    return { output: input, issues };
  },
  summary: (p) => p.expr,
};

const KeyByParams = z.strictObject({
  /** A field name or a CEL expression computing the key. */
  key: z.string().min(1).meta({ format: 'cel' }),
  onError: OnError,
});
export type KeyByParams = z.infer<typeof KeyByParams>;

export const keyByOp: OperatorDef<KeyByParams> = {
  kind: 'keyBy',
  label: 'Key by',
  category: 'keys',
  description: 'Partitions the stream by a key so that the next operator keeps state per key.',
  params: KeyByParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { key: 'user_id' },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    const t = checkFieldOrExpr(issues, ['key'], params.key, input, ['int', 'double', 'string', 'bool']);
    return { output: input, issues, keyed: true, keyType: t ?? 'dyn' };
  },
  summary: (p) => `by ${p.key}`,
};
