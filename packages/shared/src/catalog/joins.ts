import { z } from 'zod';
import { Duration, PositiveDuration } from '../duration.js';
import type { Field } from '../fields.js';
import type { OperatorDef, ParamIssue, SchemaContext } from './types.js';

const IntervalJoinParams = z.strictObject({
  /** A right record joins a left one at t when its timestamp is in [t − before, t + after]. */
  before: Duration.default('0s'),
  after: Duration.default('0s'),
});
export type IntervalJoinParams = z.infer<typeof IntervalJoinParams>;

const WindowJoinParams = z.strictObject({
  /** Tumbling event-time windows: records of the same key and window join. */
  size: PositiveDuration,
});
export type WindowJoinParams = z.infer<typeof WindowJoinParams>;

const RegularJoinParams = z.strictObject({
  /**
   * How long a key's rows are kept on each side after that side last received a row of the key
   * (processing time, Flink's `table.exec.state.ttl`). Without it they are kept for ever, so the
   * state grows with the number of keys and rows.
   */
  ttl: PositiveDuration.optional(),
});
export type RegularJoinParams = z.infer<typeof RegularJoinParams>;

const PORTS = { inputs: [{ name: 'left' }, { name: 'right' }], outputs: [{ name: 'out' }] };

function joinIssues(ctx: SchemaContext): ParamIssue[] {
  const ports = ctx.keyedPorts ?? [ctx.keyed, false];
  return ports.some((k) => !k) ? [{ path: [], code: 'bad_params', message: 'a join needs a keyBy on both inputs (left and right), on keys of the same type' }] : [];
}

function joinFields(ctx: SchemaContext, windowed: boolean): Field[] {
  return [
    { name: 'key', type: ctx.keyed ? (ctx.keyType ?? 'dyn') : 'dyn' },
    ...(windowed ? ([{ name: 'window_start', type: 'int' }, { name: 'window_end', type: 'int' }] as Field[]) : []),
    { name: 'left', type: 'map' },
    { name: 'right', type: 'map' },
  ];
}

export const intervalJoin: OperatorDef<IntervalJoinParams> = {
  kind: 'join.interval',
  label: 'Interval join',
  category: 'join',
  description: 'Joins left and right records of the same key whose timestamps are close: right within [left − before, left + after].',
  params: IntervalJoinParams,
  ...PORTS,
  defaults: { before: '5s', after: '5s' },
  infer: (_p, ctx) => ({ output: { fields: joinFields(ctx, false), open: false }, issues: joinIssues(ctx) }),
  summary: (p) => `join −${p.before}/+${p.after}`,
};

export const regularJoin: OperatorDef<RegularJoinParams> = {
  kind: 'join.regular',
  label: 'Join',
  category: 'join',
  description: 'Joins every left record with every right record of the same key, whenever each arrives (an unbounded inner join, like a SQL join of two streams). Keeps both sides: set ttl to bound the state.',
  params: RegularJoinParams,
  ...PORTS,
  defaults: {},
  infer: (_p, ctx) => ({ output: { fields: joinFields(ctx, false), open: false }, issues: joinIssues(ctx) }),
  summary: (p) => (p.ttl !== undefined ? `join · rows kept ${p.ttl}` : 'join · rows kept for ever'),
};

export const windowJoin: OperatorDef<WindowJoinParams> = {
  kind: 'join.window',
  label: 'Window join',
  category: 'join',
  description: 'Joins left and right records of the same key that fall into the same tumbling window.',
  params: WindowJoinParams,
  ...PORTS,
  defaults: { size: '1m' },
  infer: (_p, ctx) => ({ output: { fields: joinFields(ctx, true), open: false }, issues: joinIssues(ctx) }),
  summary: (p) => `window join ${p.size}`,
};
