import { parseDuration, type Field, type IntervalJoinParams, type RegularJoinParams, type WindowJoinParams } from '@riffle/shared';
import type { Compilation, NodeCompiler, NodeInput, Stream } from './context.js';
import { rowField, rowOf } from './rows.js';
import { epochMillis, interval, KEY, q, TIME } from './sql.js';

/**
 * Riffle's joins as Flink SQL joins of the two keyed inputs (`l` = port left, `r` = port right) on
 * their keys, emitting what Riffle's join operators emit: `key`, (`window_start`, `window_end`,)
 * then `left` and `right` as ROW columns of each side's fields, which a JSON sink writes as
 * nested objects. `row(…)` below is undefined after an issue.
 */
interface JoinParts {
  key: Field;
  left: string;
  right: string;
  fields: Field[];
}

function joinParts(c: Compilation, n: NodeInput, windowed: boolean): JoinParts | undefined {
  const [l, r] = n.inputs as [Stream, Stream];
  if (l.keyType !== r.keyType) {
    c.issue(n, 'flink_join_key_mismatch', `its inputs are keyed by a ${l.keyType ?? 'missing'} (left) and a ${r.keyType ?? 'missing'} (right) key: Flink compares keys of one type`);
    return undefined;
  }
  const left = rowOf('l', l.fields);
  const right = rowOf('r', r.fields);
  if (left === undefined || right === undefined) {
    c.issue(n, 'flink_unsupported_type', 'a field of its inputs has no Flink type (lists, maps and untyped fields cannot be ROW fields)');
    return undefined;
  }
  const key: Field = { name: 'key', type: l.keyType! };
  const bounds: Field[] = windowed ? [{ name: 'window_start', type: 'int' }, { name: 'window_end', type: 'int' }] : [];
  return { key, left, right, fields: [key, ...bounds, rowField('left', l.fields), rowField('right', r.fields)] };
}

/** Riffle's interval and window joins run on event time (timestamps and watermarks); Flink's proctime forms would join by arrival. */
function needsEventTime(c: Compilation, n: NodeInput): boolean {
  if (c.spec.config.time !== 'processing') return true;
  c.issue(n, 'flink_unsupported_time', "Riffle's interval and window joins join by event time; with processing time (config.time) Flink would join by arrival");
  return false;
}

/**
 * `join.window {size}` → a window join: both inputs as TUMBLE TVFs, joined on key, window_start
 * and window_end (an inner join that fires once per window when the watermark passes its end, as
 * Riffle's). Bounds as epoch ms. The time column is the left window's `window_time` (end − 1 ms,
 * the timestamp Riffle stamps on the pairs), still a time attribute, so windows can follow.
 */
export const compileWindowJoin: NodeCompiler<WindowJoinParams> = (c, n) => {
  if (!needsEventTime(c, n)) return undefined;
  const p = joinParts(c, n, true);
  if (p === undefined) return undefined;
  const [l, r] = n.inputs as [Stream, Stream];
  const size = interval(parseDuration(n.params.size)!);
  const tumble = (s: Stream) => `(SELECT * FROM TABLE(TUMBLE(TABLE ${s.relation}, DESCRIPTOR(${TIME}), ${size})))`;
  const select = [`l.${KEY} AS ${q('key')}`, `${epochMillis('l.window_start')} AS ${q('window_start')}`, `${epochMillis('l.window_end')} AS ${q('window_end')}`, `${p.left} AS ${q('left')}`, `${p.right} AS ${q('right')}`, `l.window_time AS ${TIME}`];
  return c.view(n, `SELECT ${select.join(', ')}\nFROM ${tumble(l)} AS l\nJOIN ${tumble(r)} AS r\nON l.${KEY} = r.${KEY} AND l.window_start = r.window_start AND l.window_end = r.window_end`, p.fields);
};

/**
 * `join.interval {before, after}` → an interval join: a right row joins a left row of the same
 * key when `r.time BETWEEN l.time − before AND l.time + after` (both ends inclusive, as Riffle's
 * operator). Riffle stamps each pair with max(left, right) time; in Flink SQL that is a computed
 * timestamp, not a time attribute, so nodes needing event time after it are refused.
 */
export const compileIntervalJoin: NodeCompiler<IntervalJoinParams> = (c, n) => {
  if (!needsEventTime(c, n)) return undefined;
  const p = joinParts(c, n, false);
  if (p === undefined) return undefined;
  const [l, r] = n.inputs as [Stream, Stream];
  const before = interval(parseDuration(n.params.before) ?? 0);
  const after = interval(parseDuration(n.params.after) ?? 0);
  c.notes.push(`${n.node.id}: a record behind the watermark is dropped by Riffle's interval join; Flink's still joins it with the other side's rows it has not expired yet`);
  const select = [`l.${KEY} AS ${q('key')}`, `${p.left} AS ${q('left')}`, `${p.right} AS ${q('right')}`, `GREATEST(l.${TIME}, r.${TIME}) AS ${TIME}`];
  const out = c.view(n, `SELECT ${select.join(', ')}\nFROM ${l.relation} AS l\nJOIN ${r.relation} AS r\nON l.${KEY} = r.${KEY} AND r.${TIME} BETWEEN l.${TIME} - ${before} AND l.${TIME} + ${after}`, p.fields);
  return { ...out, untimed: `${n.node.id} (an interval join) stamps its pairs with the later of the two times, which Flink SQL cannot carry as event time` };
};

/**
 * `join.regular {ttl?}` → a regular (unbounded) inner join on the key, with `ttl` as a
 * `STATE_TTL` hint for both sides (Flink ≥ 1.19). Riffle stamps a pair with the time of the record
 * that completed it; Flink turns event-time columns into plain timestamps after a regular join,
 * so on event time nodes needing it after the join are refused. On processing time the time
 * column is a fresh `PROCTIME()`.
 */
export const compileRegularJoin: NodeCompiler<RegularJoinParams> = (c, n) => {
  const p = joinParts(c, n, false);
  if (p === undefined) return undefined;
  const [l, r] = n.inputs as [Stream, Stream];
  const ttl = n.params.ttl === undefined ? undefined : parseDuration(n.params.ttl)!;
  if (ttl !== undefined) c.notes.push(`${n.node.id}: Flink expires each kept row ttl after it was stored; Riffle a side's rows of a key together, ttl after that side last received one`);
  const hint = ttl === undefined ? '' : `/*+ STATE_TTL('l' = '${ttl} ms', 'r' = '${ttl} ms') */ `;
  const processing = c.spec.config.time === 'processing';
  const select = [`l.${KEY} AS ${q('key')}`, `${p.left} AS ${q('left')}`, `${p.right} AS ${q('right')}`, processing ? `PROCTIME() AS ${TIME}` : `GREATEST(l.${TIME}, r.${TIME}) AS ${TIME}`];
  const out = c.view(n, `SELECT ${hint}${select.join(', ')}\nFROM ${l.relation} AS l\nJOIN ${r.relation} AS r\nON l.${KEY} = r.${KEY}`, p.fields);
  return processing ? out : { ...out, untimed: `${n.node.id} (a regular join) stamps each pair with the time of the record that completed it, which Flink SQL cannot carry as event time` };
};
