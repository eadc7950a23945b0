import { parseDuration, type ReduceParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';
import type { AggregatingStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyGroupSnapshot } from '../state/snapshot-format.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { AggregatingState } from '../state/state-handles.js';
import { WindowAggregate, type WindowAccumulator, type WindowInput } from '../windows/window-aggregate.js';

/**
 * `reduce {aggregate, ttl?}`: a running aggregate per key (Flink's keyed reduce), emitted updated
 * for every record with the record's timestamp. With `ttl`, a key not seen for that long
 * (processing time) starts over; expired entries are purged on the processing-time tick.
 */
export class ReduceOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[];
  private readonly agg: WindowAggregate;
  private readonly onError: ExpressionErrorPolicy;
  protected override readonly backend: KeyedStateBackend;
  private readonly acc: AggregatingState<WindowInput, WindowAccumulator, Row>;
  private readonly input: WindowInput;

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
    this.stateDescriptors = [d];
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
    this.backend.setCurrentKey(k);
    const acc = this.acc.accumulatorOrCreate();
    this.agg.add(acc, this.input);
    this.acc.updateAccumulator(acc);
    const row: Row = { key: k };
    this.agg.writeResults(acc, row);
    this.out.collect(row, timestamp);
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
