import { ExpressionEvaluationError, parseDuration, type ReduceParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import type { AggregatingStateDescriptor, MapStateDescriptor } from '../state/descriptors.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyGroupSnapshot } from '../state/snapshot-format.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { AggregatingState, MapState } from '../state/state-handles.js';
import { WindowAggregate, type WindowAccumulator, type WindowInput } from '../windows/window-aggregate.js';

/** An upsert row of a key: its aggregate inputs, timestamp and (for top_n only) the record. */
type UpsertRow = [values: unknown[], timestamp: number, record: Row | null];

/**
 * `reduce {aggregate, ttl?, upsertKey?}`: a running aggregate per key (Flink's keyed reduce),
 * emitted updated for every record with the record's timestamp. With `ttl`, a key not seen for
 * that long (processing time) starts over; expired entries are purged on the processing-time tick.
 *
 * With `upsertKey` the input is an upsert stream (Flink SQL's aggregate over an updating input):
 * each key keeps its latest row per upsert key, and a record replaces that row's contribution
 * instead of adding to it. count, sum and avg take the old values back out in O(1); the other
 * aggregates are recomputed from the key's latest rows (O(rows of the key) per replacement).
 */
export class ReduceOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly agg: WindowAggregate;
  private readonly onError: ExpressionErrorPolicy;
  protected override readonly backend: KeyedStateBackend;
  private readonly acc: AggregatingState<WindowInput, WindowAccumulator, Row>;
  private readonly input: WindowInput;
  private readonly upsertKey: Accessor | undefined;
  private readonly upsertText: string;
  private readonly upserts: MapState<unknown, UpsertRow> | undefined;
  private readonly keepRecords: boolean;

  constructor(params: Omit<WithErrorPolicy<ReduceParams>, 'ttl'> & { ttl?: string | undefined }, ctx: OperatorContext, now?: () => number) {
    super();
    this.agg = new WindowAggregate(params.aggregate, ctx.inputSchema);
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
    this.input = { values: this.agg.values, record: {}, timestamp: 0 };
    this.backend = keyedBackendFor(ctx, now);
    const d: AggregatingStateDescriptor<WindowInput, WindowAccumulator, Row> = {
      name: 'running-aggregate',
      kind: 'aggregating',
      keyed: true,
      fn: this.agg,
      serializer: this.agg.serializer,
      ...(params.ttl !== undefined ? { ttl: { ttlMs: parseDuration(params.ttl)! } } : {}),
    };
    this.acc = this.backend.aggregatingState(d);
    this.keepRecords = params.aggregate.some((a) => a.fn === 'top_n');
    this.upsertText = `upsertKey = ${params.upsertKey ?? ''}`;
    if (params.upsertKey === undefined) {
      this.stateDescriptors = [d];
      return;
    }
    this.upsertKey = compileAccessor(params.upsertKey, ctx.inputSchema);
    const rows: MapStateDescriptor = { name: 'upsert-rows', kind: 'map', keyed: true, ...(d.ttl !== undefined ? { ttl: d.ttl } : {}) };
    this.upserts = this.backend.mapState(rows);
    this.stateDescriptors = [d, rows];
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const bad = this.agg.readInputs(value);
    if (bad !== undefined) {
      this.onError.handle(value, bad.error, bad.expression);
      return;
    }
    this.input.record = value;
    this.input.timestamp = timestamp;
    const k = this.ctx.keyed ? key : null;
    let upsert: unknown;
    if (this.upsertKey !== undefined) {
      try {
        upsert = this.upsertKey(value);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        this.onError.handle(value, new Error(`upsertKey: ${e.message}`), this.upsertText);
        return;
      }
      if (upsert === undefined || upsert === null) {
        this.onError.handle(value, new Error('upsertKey: the record has no value for it'), this.upsertText);
        return;
      }
    }
    this.backend.setCurrentKey(k);
    let acc = this.acc.accumulatorOrCreate();
    const previous = this.upserts === undefined ? undefined : this.replace(upsert, timestamp, value);
    if (previous === undefined) this.agg.add(acc, this.input);
    else if (this.agg.retractable) {
      this.agg.retract(acc, previous[0]);
      this.agg.add(acc, this.input);
    } else acc = this.reaggregate();
    this.acc.updateAccumulator(acc);
    const row: Row = { key: k };
    this.agg.writeResults(acc, row);
    this.out.collect(row, timestamp);
  }

  /** Stores the record as the latest row of its upsert key; returns the row it replaced. */
  private replace(upsert: unknown, timestamp: number, value: Row): UpsertRow | undefined {
    const previous = this.upserts!.get(upsert);
    this.upserts!.put(upsert, [this.agg.values.slice(), timestamp, this.keepRecords ? value : null]);
    return previous;
  }

  /** The current key's accumulator computed afresh from its latest rows (min, max, first, … cannot retract). */
  private reaggregate(): WindowAccumulator {
    const acc = this.agg.createAccumulator();
    const input: WindowInput = { values: [], record: {}, timestamp: 0 };
    for (const [, [values, timestamp, record]] of this.upserts!.entries()) {
      input.values = values;
      input.timestamp = timestamp;
      input.record = record ?? {};
      this.agg.add(acc, input);
    }
    return acc;
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
