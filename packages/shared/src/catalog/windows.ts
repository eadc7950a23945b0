import { z } from 'zod';
import { PositiveDuration } from '../duration.js';
import type { Field, FieldType } from '../fields.js';
import { checkFieldOrExpr, single } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';

export const AGGREGATE_FNS = ['count', 'sum', 'min', 'max', 'avg'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

export const AggregateSpec = z.strictObject({
  fn: z.enum(AGGREGATE_FNS),
  /** Input field (or expression) aggregated; not used by count. */
  field: z.string().min(1).optional(),
  as: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a field name: letters, digits and _'),
});
export type AggregateSpec = z.infer<typeof AggregateSpec>;

const TumblingParams = z.strictObject({
  size: PositiveDuration,
  aggregate: z.array(AggregateSpec).min(1, 'add at least one aggregate'),
});
export type TumblingParams = z.infer<typeof TumblingParams>;

/** Output fields every window emits before its aggregates. */
export const WINDOW_FIELDS = ['key', 'window_start', 'window_end'] as const;

function aggregateType(fn: AggregateFn, input: FieldType | undefined): FieldType {
  if (fn === 'count') return 'int';
  if (fn === 'avg') return 'double';
  return input ?? 'dyn';
}

/** Checks aggregate specs and returns the output fields they produce. */
export function inferAggregates(
  aggregates: AggregateSpec[],
  input: import('../fields.js').RecordSchema,
  issues: ParamIssue[],
): Field[] {
  const out: Field[] = [];
  const seen = new Set<string>(WINDOW_FIELDS);
  aggregates.forEach((a, i) => {
    if (seen.has(a.as)) issues.push({ path: ['aggregate', i, 'as'], code: 'bad_params', message: `output field "${a.as}" is already used` });
    seen.add(a.as);
    let t: FieldType | undefined;
    if (a.fn !== 'count') {
      if (a.field === undefined) {
        issues.push({ path: ['aggregate', i, 'field'], code: 'bad_params', message: `${a.fn} needs a field` });
      } else {
        t = checkFieldOrExpr(issues, ['aggregate', i, 'field'], a.field, input, ['int', 'double']);
      }
    }
    out.push({ name: a.as, type: aggregateType(a.fn, t) });
  });
  return out;
}

export const tumblingWindow: OperatorDef<TumblingParams> = {
  kind: 'window.tumbling',
  label: 'Tumbling window',
  category: 'window',
  description: 'Fixed-size, non-overlapping event-time windows per key, aggregated when the watermark passes their end.',
  params: TumblingParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { size: '10s', aggregate: [{ fn: 'count', as: 'count' }] },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    const aggs = inferAggregates(params.aggregate, input, issues);
    const fields: Field[] = [
      { name: 'key', type: ctx.keyed ? (ctx.keyType ?? 'dyn') : 'dyn' },
      { name: 'window_start', type: 'int' },
      { name: 'window_end', type: 'int' },
      ...aggs,
    ];
    return { output: { fields, open: false }, issues };
  },
  summary: (p) =>
    `tumbling ${p.size} · ${p.aggregate.map((a) => (a.fn === 'count' ? 'count' : `${a.fn}(${a.field ?? ''})`)).join(', ')}`,
};
