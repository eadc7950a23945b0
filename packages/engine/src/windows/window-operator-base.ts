import { compileExpression, ExpressionEvaluationError, getOperator, parseDuration, type AggregateSpec, type CompiledExpression, type OnErrorPolicy } from '@riffle/shared';
import { MAX_WATERMARK, type Collector, type Row } from '../collector.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';
import { ExpressionErrorPolicy } from '../operators/error-policy.js';
import type { AggregatingStateDescriptor } from '../state/descriptors.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { restoreKeyed, snapshotKeyed, type KeyedOperatorSnapshot } from '../state/keyed-snapshot.js';
import { keyedBackendFor } from '../state/operator-backend.js';
import type { AggregatingState } from '../state/state-handles.js';
import type { Namespace } from '../state/state-table.js';
import type { Timer } from '../timers/timer.js';
import { TimerService } from '../timers/timer-service.js';
import { WindowAggregate, type WindowAccumulator, type WindowInput } from './window-aggregate.js';

const LATE_MESSAGE = 'late record: its windows had already closed (beyond the allowed lateness); connect the late port to keep such records';

/** How a `having` failure names what it failed on: a window's result, not an input record. */
function resultPosition(window: { start: number; end: number } | null, key: unknown): string {
  return `the result of ${window === null ? 'the count window' : `window [${window.start}, ${window.end})`} of key ${JSON.stringify(key)}`;
}

/** Params every window kind shares (`allowedLateness` optional so operators can be built in tests without defaults). */
export interface WindowParams {
  aggregate: AggregateSpec[];
  allowedLateness?: string | undefined;
  having?: string | undefined;
  /** For aggregate inputs and `having` (T18); `dlq` when absent. */
  onError?: OnErrorPolicy | undefined;
}

/** What a window operator checkpoints: per key group, its keyed state and its timers. */
export type WindowSnapshot = KeyedOperatorSnapshot;

/**
 * What every window kind shares (Flink's WindowOperator minus the assigner): keyed aggregating
 * state per window (namespace), timers that fire windows and clean them up after the allowed
 * lateness, late records to the `late` port or the dead-letter output, `having`, snapshots.
 *
 * Event time: a window fires when the watermark reaches its max timestamp (end − 1); its state
 * stays until max timestamp + allowed lateness, and each record arriving in between fires the
 * window again with the full updated result. Processing time: windows follow the wall clock and
 * are never late; the final watermark of a bounded input fires every pending window.
 */
export abstract class WindowOperatorBase extends Operator {
  protected readonly agg: WindowAggregate;
  protected override readonly backend: KeyedStateBackend;
  protected readonly timers = new TimerService();
  protected readonly acc: AggregatingState<WindowInput, WindowAccumulator, Row>;
  protected readonly processingTime: boolean;
  protected readonly lateness: number;
  /** The record being processed, with its aggregate inputs (reused: no allocation per record). */
  protected readonly input: WindowInput;
  override stateDescriptors: readonly StateDescriptor[];
  private readonly accDescriptor: AggregatingStateDescriptor<WindowInput, WindowAccumulator, Row>;
  private readonly having: CompiledExpression | undefined;
  private readonly havingText: string;
  private readonly onError: ExpressionErrorPolicy;
  private lateOutput: Collector | null | undefined = undefined;

  constructor(kind: string, params: WindowParams, ctx: OperatorContext) {
    super();
    this.agg = new WindowAggregate(params.aggregate, ctx.inputSchema);
    this.input = { values: this.agg.values, record: {}, timestamp: 0 };
    this.processingTime = ctx.time === 'processing';
    this.lateness = params.allowedLateness === undefined ? 0 : parseDuration(params.allowedLateness)!;
    this.backend = keyedBackendFor(ctx);
    this.accDescriptor = { name: 'window-contents', kind: 'aggregating', keyed: true, fn: this.agg, serializer: this.agg.serializer };
    this.acc = this.backend.aggregatingState(this.accDescriptor);
    this.stateDescriptors = [this.accDescriptor];
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
    this.havingText = `having ${params.having ?? ''}`;
    if (params.having !== undefined) {
      const def = getOperator(kind)!;
      const full = { allowedLateness: '0s', ...params };
      const output = def.infer(full, { inputs: [ctx.inputSchema], keyed: ctx.keyed, time: ctx.time }).output;
      this.having = compileExpression(params.having, output);
    }
  }

  /** The key state is kept under: the keyBy's key, or null on a non-keyed stream. */
  protected stateKey(key: unknown): unknown {
    return this.ctx.keyed ? key : null;
  }

  /** The time a record counts at: its event timestamp, or the wall clock in processing-time mode. */
  protected timeOf(timestamp: number): number {
    return this.processingTime ? Date.now() : timestamp;
  }

  /** The watermark against which lateness is judged (processing time: nothing is late). */
  protected get watermark(): number {
    return this.processingTime ? -Infinity : this.timers.currentWatermark;
  }

  /** Reads the aggregate inputs of a record into {@link input}; false (to the `onError` policy) when one is bad. */
  protected readInputs(value: Row, time: number): boolean {
    const bad = this.agg.readInputs(value);
    if (bad !== undefined) {
      this.onError.handle(value, bad.error, bad.expression);
      return false;
    }
    this.input.record = value;
    this.input.timestamp = time;
    return true;
  }

  protected registerTimer(ns: Namespace, timestamp: number): void {
    const b = this.backend;
    if (this.processingTime) this.timers.registerProcessingTimeTimer(b.currentKey, b.currentKeyGroup, ns, timestamp);
    else this.timers.registerEventTimeTimer(b.currentKey, b.currentKeyGroup, ns, timestamp);
  }

  protected deleteTimer(ns: Namespace, timestamp: number): void {
    const key = this.backend.currentKey;
    if (this.processingTime) this.timers.deleteProcessingTimeTimer(key, ns, timestamp);
    else this.timers.deleteEventTimeTimer(key, ns, timestamp);
  }

  /** A record beyond the allowed lateness: counted, then to the `late` port or the dead-letter output. */
  protected late(value: Row, timestamp: number, key: unknown): void {
    this.ctx.counters.lateRecordsDropped++;
    if (this.lateOutput === undefined) this.lateOutput = this.ctx.sideOutput?.('late') ?? null;
    if (this.lateOutput !== null) this.lateOutput.collect(value, timestamp, key);
    // A constant message: late records can be most of a badly configured stream, and an Error per record (stack capture) would dominate.
    else this.ctx.deadLetter(value, LATE_MESSAGE);
  }

  /** Emits one window result (subject to `having`) with timestamp `timestamp`. */
  protected emit(key: unknown, window: { start: number; end: number } | null, acc: WindowAccumulator, timestamp: number): void {
    const row: Row = { key };
    if (window !== null) {
      row.window_start = window.start;
      row.window_end = window.end;
    }
    this.agg.writeResults(acc, row);
    if (this.having !== undefined) {
      let keep: unknown;
      try {
        keep = this.having.evaluate(row);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        this.onError.handle(row, new Error(`having: ${e.message}`), this.havingText, resultPosition(window, key));
        return;
      }
      if (keep !== true) {
        if (keep !== false) this.onError.handle(row, new Error(`having returned ${JSON.stringify(keep)}, not a bool`), this.havingText, resultPosition(window, key));
        return;
      }
    }
    this.out.collect(row, timestamp);
  }

  /** A timer fired for the backend's current key (set before the call). */
  protected abstract onTimer(timer: Timer): void;

  private readonly dispatchTimer = (t: Timer): void => {
    this.backend.setCurrentKeyAndGroup(t.key, t.keyGroup);
    this.onTimer(t);
  };

  override processWatermark(watermark: number): void {
    if (!this.processingTime) this.timers.advanceWatermark(watermark, this.dispatchTimer);
    else if (watermark === MAX_WATERMARK) this.timers.advanceProcessingTime(Infinity, this.dispatchTimer);
    this.out.emitWatermark(watermark);
  }

  override onProcessingTime(now: number): void {
    // A window [start, end) is complete once the clock reaches its end.
    if (this.processingTime) this.timers.advanceProcessingTime(now - 1, this.dispatchTimer);
  }

  override snapshotState(): WindowSnapshot | Promise<WindowSnapshot> {
    return snapshotKeyed(this.backend, this.timers);
  }

  override restoreState(snapshot: unknown): void {
    restoreKeyed(this.backend, this.timers, snapshot);
  }
}
