import type { StateDescriptor } from '../operator.js';

/**
 * Time-to-live of keyed state (Flink's StateTtlConfig, processing time): an entry not written for
 * `ttlMs` is expired. Expired entries are never returned (checked on read) and are removed by
 * {@link KeyedStateBackend.cleanupExpired} and when snapshotting.
 */
export interface StateTtl {
  ttlMs: number;
  /** Reads refresh the entry's timestamp too (Flink's OnReadAndWrite); default: writes only. */
  updateOnRead?: boolean;
}

interface Base<K extends StateDescriptor['kind']> extends StateDescriptor {
  kind: K;
  keyed: true;
  ttl?: StateTtl;
  /** Converts values that msgpackr cannot encode as-is (Sets, class instances) for snapshots. */
  serializer?: { toPlain(v: unknown): unknown; fromPlain(p: unknown): unknown };
}

export type ValueStateDescriptor = Base<'value'>;
export type ListStateDescriptor = Base<'list'>;
export type MapStateDescriptor = Base<'map'>;

export interface ReducingStateDescriptor<T> extends Base<'reducing'> {
  reduce(a: T, b: T): T;
}

/** An AggregateFunction as in Flink: the accumulator is what the state stores (and snapshots). */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(acc: ACC, value: IN): ACC;
  getResult(acc: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

export interface AggregatingStateDescriptor<IN, ACC, OUT> extends Base<'aggregating'> {
  fn: AggregateFunction<IN, ACC, OUT>;
}

export type KeyedStateDescriptor =
  | ValueStateDescriptor
  | ListStateDescriptor
  | MapStateDescriptor
  | ReducingStateDescriptor<any>
  | AggregatingStateDescriptor<any, any, any>;
