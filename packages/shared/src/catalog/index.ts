import { intervalJoin, regularJoin, windowJoin } from './joins.js';
import { dedupeOp, overOp, reduceOp } from './keyed.js';
import { kafkaSink, kafkaSource } from './kafka.js';
import { nexmarkSource } from './nexmark.js';
import { postgresSink } from './postgres.js';
import { collectSink, fileSink } from './sinks.js';
import { datagenSource, fileSource } from './sources.js';
import { filterOp, keyByOp, mapOp } from './transforms.js';
import type { OperatorDef } from './types.js';
import { globalWindow, sessionWindow, slidingWindow, tumblingWindow } from './windows.js';

/** Every operator kind Riffle knows, in palette order. */
export const CATALOG: readonly OperatorDef<any>[] = [
  datagenSource,
  fileSource,
  kafkaSource,
  nexmarkSource,
  mapOp,
  filterOp,
  keyByOp,
  reduceOp,
  dedupeOp,
  overOp,
  tumblingWindow,
  slidingWindow,
  sessionWindow,
  globalWindow,
  regularJoin,
  intervalJoin,
  windowJoin,
  fileSink,
  kafkaSink,
  postgresSink,
  collectSink,
];

const BY_KIND = new Map(CATALOG.map((d) => [d.kind, d]));

/** Looks up the catalog entry of an operator kind. */
export function getOperator(kind: string): OperatorDef<any> | undefined {
  return BY_KIND.get(kind);
}

export { CLICKSTREAM_SCHEMA, SEQUENCE_SCHEMA, withEventTimeOrigin } from './sources.js';
export type { DatagenParams, FileSourceParams } from './sources.js';
export { NEXMARK_SCHEMA } from './nexmark.js';
export type { NexmarkParams } from './nexmark.js';
export type { MapParams, FilterParams, KeyByParams } from './transforms.js';
export type { OnErrorPolicy } from './helpers.js';
export type { DedupeParams, OverParams, ReduceParams } from './keyed.js';
export type { IntervalJoinParams, RegularJoinParams, WindowJoinParams } from './joins.js';
export { AGGREGATE_FNS, WINDOW_FIELDS } from './windows.js';
export type { AggregateFn, AggregateSpec, GlobalParams, SessionParams, SlidingParams, TumblingParams } from './windows.js';
export type { FileSinkParams, CollectParams } from './sinks.js';
export { MAX_TRANSACTION_TIMEOUT_MS, kafkaSourceSchema, topicMatches } from './kafka.js';
export type { KafkaSourceParams, KafkaSinkParams } from './kafka.js';
export type { PostgresSinkParams } from './postgres.js';
export type {
  OperatorDef,
  OperatorCategory,
  PortDef,
  ParamIssue,
  SchemaContext,
  SchemaResult,
} from './types.js';
