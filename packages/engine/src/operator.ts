import type { EngineLogger } from './api.js';
import type { Collector, Row } from './collector.js';
import type { NodeCounters } from './runtime/metrics.js';
import type { KeyedStateBackend } from './state/keyed-state-backend.js';
import type { StateBackendConfig } from './state/operator-backend.js';
import type { StateMetrics } from './state/snapshot-format.js';
import type { RecordSchema } from '@riffle/shared';

/** State an operator keeps, declared up front so checkpoints know what to snapshot. */
export interface StateDescriptor {
  name: string;
  kind: 'value' | 'list' | 'map' | 'reducing' | 'aggregating';
  /** Keyed state is snapshotted per key group and can be redistributed on rescale. */
  keyed: boolean;
}

/** What an operator instance (one parallel subtask of one spec node) knows about its place. */
export interface OperatorContext {
  nodeId: string;
  kind: string;
  subtaskIndex: number;
  parallelism: number;
  maxParallelism: number;
  /** Schema of the records arriving on the main input (sources: of the records they emit). */
  inputSchema: RecordSchema;
  /** Whether the main input is keyed (the previous node is a keyBy). */
  keyed: boolean;
  time: 'event' | 'processing';
  /** Folder relative paths resolve against. */
  baseDir: string;
  /**
   * File paths must stay inside `baseDir` on disk: file connectors re-check them when they open
   * (`connectors/file/confine.ts`), since a symlink may have changed since the spec was validated.
   */
  confineFiles?: boolean;
  /**
   * The job takes checkpoints: two-phase-commit sinks then make output visible only when a
   * checkpoint completes (without checkpoints there is nothing to commit against), and sources
   * commit offsets there.
   */
  checkpointing?: boolean;
  /**
   * `config.checkpoints.mode` when {@link checkpointing}: a source's own external writes (the Kafka
   * source's dead-letter topic) are transactional in an exactly-once job.
   */
  checkpointMode?: 'exactly-once' | 'at-least-once';
  logger: EngineLogger;
  counters: NodeCounters;
  /** Sends a record that could not be processed to the job's dead-letter output. */
  deadLetter(record: unknown, error: unknown): void;
  /**
   * The collector of a side-output port (a window's `late`) when an edge leaves the node through
   * it, otherwise undefined (the operator then dead-letters what it would have sent there).
   */
  sideOutput?(port: string): Collector | undefined;
  /**
   * Fails the job from asynchronous work of the operator (a transaction commit that failed after
   * the fact); the job then recovers per its restart strategy. Synchronous code just throws.
   */
  fail?(error: unknown): void;
  /** Where keyed state lives (`config.stateBackend`); the heap when absent. */
  stateBackend?: StateBackendConfig;
  /** Id of the job run (stable across restores of the same job): names external resources. */
  jobId?: string;
  /**
   * Where the record being processed was read (Kafka topic, partition and offset; file and line),
   * when the source that read it heads this operator's chain and is emitting it; undefined
   * otherwise (records crossing an exchange do not carry their origin). For error messages.
   */
  recordOrigin?(): string | undefined;
}

/**
 * The contract every operator kind implements (one file per kind under `operators/`). Every
 * hook but `processElement` has a default no-op so an operator only writes what it needs.
 *
 * Lifecycle, driven by the task: `setup` → `open` → (`processElement` | `processWatermark` |
 * `onProcessingTime`)* → `endInput` (bounded input only, after the final watermark) → `close`
 * (orderly shutdown: finished or stopped) or `abort` (the job failed).
 */
export abstract class Operator {
  /** State this operator keeps; empty for stateless operators. */
  readonly stateDescriptors: readonly StateDescriptor[] = [];
  /**
   * The keyed state backend of an operator that keeps keyed state (`keyedBackendFor(ctx)`): the
   * default hooks below report its size, prefetch a batch's keys into it, and close it.
   */
  protected readonly backend: KeyedStateBackend | undefined;
  protected out!: Collector;
  protected ctx!: OperatorContext;

  setup(ctx: OperatorContext, out: Collector): void {
    this.ctx = ctx;
    this.out = out;
  }

  open(): void | Promise<void> {}

  abstract processElement(value: Row, timestamp: number, key: unknown): void;

  /**
   * Called before a batch of records reaches this operator as the head of its task (batched
   * exchanges of the worker runtime), with the records' keys. An operator whose state lives off
   * the heap loads it here (the disk backend's prefetch); the task processes the batch once the
   * promise settles. Undefined (the default): nothing to wait for.
   */
  prepareBatch(keys: ArrayLike<unknown>): Promise<void> | undefined {
    return this.ctx.keyed ? this.backend?.prefetch(keys) : undefined;
  }

  /**
   * Back-pressure from an external system: an operator with asynchronous writes in flight (a
   * sink) returns a promise while it holds as much unwritten output as it should, and the task
   * takes no more input until it settles; so a slow database or an unreachable broker slows the
   * sources instead of growing memory. Undefined (the default): take input. Called once per
   * batch of input, so it must be cheap; the promise must not reject (failures are reported the
   * operator's usual way).
   */
  backlog(): Promise<void> | undefined {
    return undefined;
  }

  /** Called when the input watermark advances; forwards it by default. */
  processWatermark(watermark: number): void {
    this.out.emitWatermark(watermark);
  }

  /** Called about every 200 ms with the wall clock, for processing-time timers and sinks rolling files. */
  onProcessingTime(_now: number): void {}

  /** The input is exhausted (bounded input); the last chance to emit. */
  endInput(): void {}

  /** Orderly shutdown; by default releases the keyed state backend's files (disk). */
  close(): void | Promise<void> {
    return this.backend?.close();
  }

  /** The job failed: release resources without committing anything. */
  abort(): void {
    void this.backend?.close().catch(() => undefined);
  }

  /**
   * Size of the keyed state this subtask holds, or undefined for an operator without keyed state
   * (reported as `stateKeys` / `stateBytes`). Called at metrics rate, never per record.
   */
  stateMetrics(): StateMetrics | undefined {
    return this.backend?.sizeMetrics();
  }

  /**
   * Snapshot of the operator's state (msgpackr-encodable) for checkpoint `checkpointId`, taken
   * when its barrier is aligned at the task; undefined for stateless operators. Keyed operators
   * return per-key-group state, so that {@link restoreState} can be called with the snapshots of
   * several old subtasks after a rescale (it must skip key groups this subtask does not own, and
   * add up the rest).
   *
   * The state must be captured synchronously, in this call: records after the barrier are
   * processed as soon as it returns. A value returned directly is encoded at once, so it may share
   * objects that later records change. A promise (ARCHITECTURE.md §4, "written asynchronously")
   * must resolve to a view fixed at the call (the disk backend reads a LevelDB snapshot; a
   * two-phase-commit sink resolves once the transaction it sealed here is flushed); the task
   * acknowledges once it resolves, and a rejection declines the checkpoint (the job runs on).
   * @example
   * override snapshotState(checkpointId: number): Promise<MyState> {
   *   const sealed = this.seal(checkpointId); // synchronous: what came before the barrier
   *   return sealed.flushed.then(() => sealed.state);
   * }
   */
  snapshotState(_checkpointId: number): unknown {
    return undefined;
  }

  /** Restores a snapshot; called after `setup`, before `open`. */
  restoreState(_snapshot: unknown): void {}

  /**
   * Non-keyed state restored at another parallelism: every old subtask's snapshot (index = old
   * subtask). The default refuses: an operator whose non-keyed state can be split or merged
   * (a source's position) overrides it.
   */
  restoreRescaled(snapshots: unknown[], _oldParallelism: number): void {
    if (snapshots.every((s) => s === undefined)) return;
    throw new Error(`operator ${this.ctx.nodeId} (${this.ctx.kind}) keeps non-keyed state and cannot be restored at another parallelism`);
  }

  /**
   * Pre-commit of checkpoint `checkpointId` (Flink's `preCommit`), called when the barrier is
   * aligned, after {@link snapshotState} of every chain member. A sink returns a promise that
   * settles once the writes before the barrier are durable (the file sink fsyncs its sealed
   * parts); the task's acknowledgement waits for it while processing goes on. A rejection
   * declines the checkpoint: it fails, the job runs on, and what was sealed is committed with the
   * next checkpoint that completes. State that must be in the snapshot belongs in
   * {@link snapshotState}, which may itself return a promise: nothing here can add to it.
   */
  prepareCommit(_checkpointId: number): void | Promise<void> {}

  /**
   * Checkpoint `checkpointId` is complete (its `_metadata` is durable): two-phase-commit sinks
   * commit every transaction sealed at or before it. Must not throw for a commit that fails
   * asynchronously; report it through {@link OperatorContext.fail} instead.
   */
  notifyCheckpointComplete(_checkpointId: number): void {}
}

/** Returned by {@link SourceOperator.pollNext} when the source is exhausted. */
export const END_OF_INPUT = -1;

/**
 * A source: emits records through its collector when polled. Timestamps and watermarks are
 * assigned by the runtime after the source (from the `timestamp` and `watermark` params), so a
 * source passes `NaN` as the timestamp.
 */
export abstract class SourceOperator extends Operator {
  /** Records per second this subtask may emit; undefined means unlimited. */
  ratePerSec: number | undefined = undefined;

  processElement(): void {
    throw new Error('a source takes no input');
  }

  /**
   * Emits at most `max` records and returns how many it emitted, or {@link END_OF_INPUT} when
   * there is nothing more. May be async (I/O); records are emitted synchronously.
   */
  abstract pollNext(max: number): number | Promise<number>;

  /**
   * Where the record this source is emitting right now was read, for error messages of the
   * operators chained after it ({@link OperatorContext.recordOrigin}); undefined between records.
   */
  currentPosition(): string | undefined {
    return undefined;
  }
}
