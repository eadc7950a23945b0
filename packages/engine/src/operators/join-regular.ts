import { parseDuration, type RegularJoinParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext, StateDescriptor } from '../operator.js';
import type { ListStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyGroupSnapshot } from '../state/snapshot-format.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { ListState } from '../state/state-handles.js';
import { TwoInputOperator } from './two-input.js';

/**
 * `join.regular {ttl?}`: the unbounded inner join of two keyed streams (Flink SQL's regular join of
 * two append-only inputs, `StreamingJoinOperator` in its inner-join form). Every record is kept in
 * its side's list for its key, and joins every record of the other side's list for that key, now
 * and whenever one arrives later, so each matching pair is emitted exactly once, in the order the
 * second of the two arrived. Output `{key, left, right}` with the arriving record's timestamp;
 * watermarks pass through (the minimum of both inputs). Nothing is late: there is no window.
 *
 * State grows with every record unless `ttl` is set: then a side's rows of a key are dropped once
 * that side has not received a row of the key for `ttl` (processing time, Flink's
 * `table.exec.state.ttl`), after which later records of the other side no longer find them.
 */
export class RegularJoinOperator extends TwoInputOperator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  protected override readonly backend: KeyedStateBackend;
  private readonly sides: [ListState<Row>, ListState<Row>];

  constructor(params: RegularJoinParams, ctx: OperatorContext, now?: () => number) {
    super();
    this.backend = keyedBackendFor(ctx, now);
    const ttl = params.ttl !== undefined ? { ttl: { ttlMs: parseDuration(params.ttl)! } } : {};
    const d: ListStateDescriptor[] = [
      { name: 'left-rows', kind: 'list', keyed: true, ...ttl },
      { name: 'right-rows', kind: 'list', keyed: true, ...ttl },
    ];
    this.sides = [this.backend.listState(d[0]!), this.backend.listState(d[1]!)];
    this.stateDescriptors = d;
  }

  processLeft(value: Row, timestamp: number, key: unknown): void {
    this.backend.setCurrentKey(key);
    for (const r of this.sides[1].get()) this.out.collect({ key, left: value, right: r }, timestamp);
    this.sides[0].add(value);
  }

  processRight(value: Row, timestamp: number, key: unknown): void {
    this.backend.setCurrentKey(key);
    for (const l of this.sides[0].get()) this.out.collect({ key, left: l, right: value }, timestamp);
    this.sides[1].add(value);
  }

  override onProcessingTime(_now: number): void {
    this.backend.cleanupExpired();
  }

  override snapshotState(): KeyGroupSnapshot[] | Promise<KeyGroupSnapshot[]> {
    return this.backend.snapshotForCheckpoint();
  }

  override restoreState(snapshot: unknown): void {
    this.backend.restore(snapshot as KeyGroupSnapshot[]);
  }
}
