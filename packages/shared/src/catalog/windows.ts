import { z } from 'zod';
import { Duration, PositiveDuration, parseDuration } from '../duration.js';
import type { Field, FieldType, RecordSchema } from '../fields.js';
import { AggregateOnError, checkExpr, checkFieldOrExpr, Expr, OutputFieldName, single } from './helpers.js';
import type { OperatorDef, ParamIssue, SchemaContext, SchemaResult } from './types.js';

export const AGGREGATE_FNS = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'count_distinct', 'top_n'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

export const AggregateSpec = z.strictObject({
  fn: z.enum(AGGREGATE_FNS),
  /** Input field (or expression) aggregated; not used by count. top_n ranks records by it. */
  field: z.string().min(1).optional(),
  as: OutputFieldName,
  /** top_n only: how many records to keep. */
  n: z.number().int().min(1).max(1000).optional(),
});
export type AggregateSpec = z.infer<typeof AggregateSpec>;

/** Params every window kind shares. */
const WindowCommon = {
  aggregate: z.array(AggregateSpec).min(1, 'add at least one aggregate'),
  /** How long after a window fired late records still update it (each update re-emits the window). */
  allowedLateness: Duration.default('0s'),
  /** CEL filter over the output record: only windows for which it is true are emitted. */
  having: Expr.optional(),
  onError: AggregateOnError,
};

const TumblingParams = z.strictObject({ size: PositiveDuration, ...WindowCommon });
export type TumblingParams = z.infer<typeof TumblingParams>;

const SlidingParams = z.strictObject({ size: PositiveDuration, slide: PositiveDuration, ...WindowCommon });
export type SlidingParams = z.infer<typeof SlidingParams>;

const SessionParams = z.strictObject({ gap: PositiveDuration, ...WindowCommon });
export type SessionParams = z.infer<typeof SessionParams>;

const GlobalParams = z.strictObject({
  trigger: z.strictObject({ count: z.number().int().min(1) }),
  aggregate: WindowCommon.aggregate,
  having: WindowCommon.having,
  onError: WindowCommon.onError,
});
export type GlobalParams = z.infer<typeof GlobalParams>;

/** Output fields every time window emits before its aggregates (global windows: `key` only). */
export const WINDOW_FIELDS = ['key', 'window_start', 'window_end'] as const;

function aggregateType(fn: AggregateFn, input: FieldType | undefined): FieldType {
  if (fn === 'count' || fn === 'count_distinct') return 'int';
  if (fn === 'avg') return 'double';
  if (fn === 'top_n') return 'list';
  return input ?? 'dyn';
}

/** Numeric aggregates; the others accept any value. */
const NUMERIC: ReadonlySet<AggregateFn> = new Set(['sum', 'min', 'max', 'avg', 'top_n']);

/** Checks aggregate specs and returns the output fields they produce. */
export function inferAggregates(aggregates: AggregateSpec[], input: RecordSchema, issues: ParamIssue[], reserved: readonly string[] = WINDOW_FIELDS): Field[] {
  const out: Field[] = [];
  const seen = new Set<string>(reserved);
  aggregates.forEach((a, i) => {
    if (seen.has(a.as)) issues.push({ path: ['aggregate', i, 'as'], code: 'bad_params', message: `output field "${a.as}" is already used` });
    seen.add(a.as);
    if (a.n !== undefined && a.fn !== 'top_n') issues.push({ path: ['aggregate', i, 'n'], code: 'bad_params', message: `n is only used by top_n` });
    if (a.fn === 'top_n' && a.n === undefined) issues.push({ path: ['aggregate', i, 'n'], code: 'bad_params', message: 'top_n needs n (how many records to keep)' });
    let t: FieldType | undefined;
    if (a.fn !== 'count') {
      if (a.field === undefined) {
        issues.push({ path: ['aggregate', i, 'field'], code: 'bad_params', message: `${a.fn} needs a field` });
      } else {
        t = checkFieldOrExpr(issues, ['aggregate', i, 'field'], a.field, input, NUMERIC.has(a.fn) ? ['int', 'double'] : undefined);
      }
    }
    out.push({ name: a.as, type: aggregateType(a.fn, t) });
  });
  return out;
}

/** Schema of a window's output (and of its `late` port: the input records), plus `having`. */
function inferWindow(params: { aggregate: AggregateSpec[]; having?: string | undefined }, ctx: SchemaContext, timeFields: boolean, issues: ParamIssue[]): SchemaResult {
  const input = single(ctx.inputs);
  const reserved = timeFields ? WINDOW_FIELDS : (['key'] as const);
  const aggs = inferAggregates(params.aggregate, input, issues, reserved);
  const fields: Field[] = [{ name: 'key', type: ctx.keyed ? (ctx.keyType ?? 'dyn') : 'dyn' }];
  if (timeFields) fields.push({ name: 'window_start', type: 'int' }, { name: 'window_end', type: 'int' });
  fields.push(...aggs);
  const output: RecordSchema = { fields, open: false };
  if (params.having !== undefined) checkExpr(issues, ['having'], params.having, output, ['bool']);
  return { output, issues, ports: { late: input } };
}

const aggText = (aggs: AggregateSpec[]) =>
  aggs.map((a) => (a.fn === 'count' ? 'count' : a.fn === 'top_n' ? `top${a.n ?? ''}(${a.field ?? ''})` : `${a.fn}(${a.field ?? ''})`)).join(', ');

const PORTS = { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }, { name: 'late', label: 'late records' }] };

export const tumblingWindow: OperatorDef<TumblingParams> = {
  kind: 'window.tumbling',
  label: 'Tumbling window',
  category: 'window',
  description: 'Fixed-size, non-overlapping event-time windows per key, aggregated when the watermark passes their end.',
  params: TumblingParams,
  ...PORTS,
  defaults: { size: '10s', aggregate: [{ fn: 'count', as: 'count' }] },
  infer: (params, ctx) => inferWindow(params, ctx, true, []),
  summary: (p) => `tumbling ${p.size} · ${aggText(p.aggregate)}`,
};

export const slidingWindow: OperatorDef<SlidingParams> = {
  kind: 'window.sliding',
  label: 'Sliding window',
  category: 'window',
  description: 'Windows of `size` starting every `slide` (overlapping when slide < size), per key.',
  params: SlidingParams,
  ...PORTS,
  defaults: { size: '1m', slide: '10s', aggregate: [{ fn: 'count', as: 'count' }] },
  infer(params, ctx) {
    const issues: ParamIssue[] = [];
    const size = parseDuration(params.size) ?? 0;
    const slide = parseDuration(params.slide) ?? 0;
    if (slide > size) issues.push({ path: ['slide'], code: 'bad_params', message: `slide (${params.slide}) must not exceed size (${params.size}), or records would fall between windows` });
    return inferWindow(params, ctx, true, issues);
  },
  summary: (p) => `sliding ${p.size} every ${p.slide} · ${aggText(p.aggregate)}`,
};

export const sessionWindow: OperatorDef<SessionParams> = {
  kind: 'window.session',
  label: 'Session window',
  category: 'window',
  description: 'Groups the records of a key until no record arrives for `gap`; sessions that meet merge.',
  params: SessionParams,
  ...PORTS,
  defaults: { gap: '30s', aggregate: [{ fn: 'count', as: 'count' }] },
  infer: (params, ctx) => inferWindow(params, ctx, true, []),
  summary: (p) => `session gap ${p.gap} · ${aggText(p.aggregate)}`,
};

export const globalWindow: OperatorDef<GlobalParams> = {
  kind: 'window.global',
  label: 'Count window',
  category: 'window',
  description: 'One window per key that fires and starts over every `trigger.count` records.',
  params: GlobalParams,
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  defaults: { trigger: { count: 100 }, aggregate: [{ fn: 'count', as: 'count' }] },
  infer: (params, ctx) => {
    const r = inferWindow(params, ctx, false, []);
    delete r.ports;
    return r;
  },
  summary: (p) => `every ${p.trigger.count} records · ${aggText(p.aggregate)}`,
};
