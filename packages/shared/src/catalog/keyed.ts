import { z } from 'zod';
import { PositiveDuration } from '../duration.js';
import type { Field } from '../fields.js';
import { AggregateOnError, checkFieldOrExpr, single } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';
import { AggregateSpec, inferAggregates } from './windows.js';

const ReduceParams = z.strictObject({
  aggregate: z.array(AggregateSpec).min(1, 'add at least one aggregate'),
  /** Forget a key's running aggregate after this long without records (state TTL, processing time). */
  ttl: PositiveDuration.optional(),
  /**
   * Treat the input as an upsert stream: a record replaces the earlier record with the same value
   * of this field or expression (within the key) in the aggregate, instead of adding to it (Flink
   * SQL's aggregate over an updating input, e.g. the average of each auction's latest highest bid).
   */
  upsertKey: z.string().min(1).meta({ format: 'cel' }).optional(),
  onError: AggregateOnError,
});
export type ReduceParams = z.infer<typeof ReduceParams>;

const DedupeParams = z.strictObject({
  /** A record is a duplicate if its key was emitted less than this long before it (event time). */
  within: PositiveDuration,
});
export type DedupeParams = z.infer<typeof DedupeParams>;

const OverParams = z.strictObject({
  /** Each record gets the aggregates over its key's records from `range` before it up to its own timestamp (inclusive). */
  range: PositiveDuration,
  aggregate: z.array(AggregateSpec).min(1, 'add at least one aggregate'),
  onError: AggregateOnError,
});
export type OverParams = z.infer<typeof OverParams>;

function needsKeyBy(keyed: boolean, issues: ParamIssue[], kind: string): void {
  if (!keyed) issues.push({ path: [], code: 'bad_params', message: `${kind} works per key: put a keyBy before it` });
}

export const reduceOp: OperatorDef<ReduceParams> = {
  kind: 'reduce',
  label: 'Rolling aggregate',
  category: 'transform',
  description: 'Keeps a running aggregate per key and emits the updated result for every record (Flink keyed reduce).',
  params: ReduceParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { aggregate: [{ fn: 'count', as: 'count' }] },
  infer(params, ctx) {
    const issues: ParamIssue[] = [];
    needsKeyBy(ctx.keyed, issues, 'reduce');
    if (params.upsertKey !== undefined) checkFieldOrExpr(issues, ['upsertKey'], params.upsertKey, single(ctx.inputs), ['int', 'double', 'string', 'bool']);
    const aggs = inferAggregates(params.aggregate, single(ctx.inputs), issues, ['key']);
    const fields: Field[] = [{ name: 'key', type: ctx.keyed ? (ctx.keyType ?? 'dyn') : 'dyn' }, ...aggs];
    return { output: { fields, open: false }, issues };
  },
  summary: (p) => `running ${p.aggregate.map((a) => a.fn).join(', ')}${p.upsertKey !== undefined ? ` · latest per ${p.upsertKey}` : ''}`,
};

export const dedupeOp: OperatorDef<DedupeParams> = {
  kind: 'dedupe',
  label: 'Deduplicate',
  category: 'transform',
  description: 'Keeps the first record of each key and drops the same key again within `within` (event time).',
  params: DedupeParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { within: '1m' },
  infer(_params, ctx) {
    const issues: ParamIssue[] = [];
    needsKeyBy(ctx.keyed, issues, 'dedupe');
    return { output: single(ctx.inputs), issues };
  },
  summary: (p) => `dedupe within ${p.within}`,
};


export const overOp: OperatorDef<OverParams> = {
  kind: 'over',
  label: 'Over aggregate',
  category: 'transform',
  description: 'Adds to every record aggregates over the preceding `range` of its key (SQL OVER … RANGE BETWEEN … PRECEDING AND CURRENT ROW), in event-time order.',
  params: OverParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { range: '1m', aggregate: [{ fn: 'count', as: 'count' }] },
  infer(params, ctx) {
    const issues: ParamIssue[] = [];
    needsKeyBy(ctx.keyed, issues, 'over');
    const input = single(ctx.inputs);
    const aggs = inferAggregates(params.aggregate, input, issues, input.fields.map((f) => f.name));
    return { output: { fields: [...input.fields, ...aggs], open: input.open }, issues };
  },
  summary: (p) => `over ${p.range} · ${p.aggregate.map((a) => a.fn).join(', ')}`,
};
