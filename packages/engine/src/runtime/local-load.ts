import type { OperatorMetrics, SubtaskMetrics } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { LocalChannel, type ChannelReceiver, type OutputChannel } from './channel.js';
import type { NodeCounters, OperatorLoadMetrics } from './metrics.js';
import type { TaskPlacement } from './task-builder.js';
import type { Task } from './task.js';

/**
 * One record in this many is timed on its way through a local channel; its time counts this
 * many times. Timing every record would cost two clock reads each (~50 ns, as much as a simple
 * operator); one in 64 costs a counter decrement per record and stays accurate at these rates.
 */
const SAMPLE_EVERY = 64;

/** Where the time of one in-process task went since the last sample. */
interface TaskLoad {
  /** Time in the task, including the tasks it called into (sources: whole polls, measured exactly). */
  inclusiveMs: number;
  /** Of that, time in the tasks it feeds by direct call: the in-process form of waiting for a consumer. */
  downstreamMs: number;
  /** From the last sample; undefined before the first. */
  ratios: { busy: number; backPressured: number; idle: number } | undefined;
}

/**
 * Busy, back-pressured and idle ratios for the in-process runtime (one thread, exchanges by
 * direct call). A task is busy while its own operators run, back-pressured while the tasks it
 * feeds process its output (it cannot go on until they return, as a threaded task waits for
 * credit), and idle otherwise. Sources are timed per poll, other tasks on sampled records and on
 * every watermark, so the cost is per batch, not per record.
 */
export class LocalLoad {
  private readonly tasks = new Map<Task, TaskLoad>();
  private last = performance.now();

  constructor(private readonly plan: PhysicalPlan) {}

  /**
   * The placement that builds every subtask here, wiring exchanges with metered local channels.
   * @example buildTasks(plan, env, new LocalLoad(plan).placement(() => built.tasks))
   */
  placement(taskOf: (chainId: string, subtask: number) => Task | undefined): TaskPlacement {
    return {
      owns: () => true,
      channel: (edge, from, _down, _to, gate, local) => {
        const chainId = this.plan.chainOf.get(edge.from)!.id;
        return new MeteredChannel(local!, gate, this, () => taskOf(chainId, from), local!);
      },
    };
  }

  /** A source task's poll took `ms` (its chain and every task it drives by direct call). */
  polled(task: Task, ms: number): void {
    this.loadOf(task).inclusiveMs += ms;
  }

  /** `receiver` spent `ms` on input from `sender`. */
  delivered(sender: Task | undefined, receiver: Task, ms: number): void {
    this.loadOf(receiver).inclusiveMs += ms;
    if (sender !== undefined) this.loadOf(sender).downstreamMs += ms;
  }

  /** Turns the time gathered since the previous call into ratios (call about once a second). */
  sample(tasks: readonly Task[], now = performance.now()): void {
    const interval = now - this.last;
    if (interval <= 0) return;
    this.last = now;
    for (const t of tasks) {
      const l = this.loadOf(t);
      const busy = clamp((l.inclusiveMs - l.downstreamMs) / interval);
      const backPressured = Math.min(1 - busy, clamp(l.downstreamMs / interval));
      l.ratios = { busy: round(busy), backPressured: round(backPressured), idle: round(1 - busy - backPressured) };
      l.inclusiveMs = l.downstreamMs = 0;
    }
  }

  /** Adds the load fields to each operator's metrics (averaged over its subtasks, as the threaded runtime does). */
  addTo(operators: OperatorMetrics[], tasks: readonly Task[], counters: ReadonlyMap<string, readonly NodeCounters[]>): void {
    for (const op of operators) {
      const chainId = this.plan.chainOf.get(op.nodeId)?.id;
      const mine = tasks.filter((t) => t.chainId === chainId);
      if (mine.length === 0 || mine.some((t) => this.loadOf(t).ratios === undefined)) continue;
      type Ratios = NonNullable<TaskLoad['ratios']>;
      const avg = (f: (r: Ratios) => number) => round(mine.reduce((a, t) => a + f(this.loadOf(t).ratios!), 0) / mine.length);
      Object.assign(op, {
        busyRatio: avg((r) => r.busy),
        backPressuredRatio: avg((r) => r.backPressured),
        idleRatio: avg((r) => r.idle),
        subtasks: mine.map((t): SubtaskMetrics => {
          const r = this.loadOf(t).ratios!;
          // One thread and no buffers in this runtime: worker 0, nothing queued.
          const c = counters.get(op.nodeId)?.[t.subtaskIndex];
          return { subtask: t.subtaskIndex, worker: 0, recordsIn: c?.recordsIn ?? 0, recordsOut: c?.recordsOut ?? 0, busyRatio: r.busy, backPressuredRatio: r.backPressured, idleRatio: r.idle, inputQueue: 0, outputQueue: 0, bufferedRecords: 0 };
        }),
      } satisfies OperatorLoadMetrics);
    }
  }

  private loadOf(task: Task): TaskLoad {
    let l = this.tasks.get(task);
    if (l === undefined) this.tasks.set(task, (l = { inclusiveMs: 0, downstreamMs: 0, ratios: undefined }));
    return l;
  }
}

function clamp(x: number): number {
  return Math.max(0, Math.min(1, x));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A {@link LocalChannel} that times one record in {@link SAMPLE_EVERY} and every watermark. */
class MeteredChannel extends LocalChannel implements OutputChannel {
  private countdown = SAMPLE_EVERY;

  constructor(
    receiver: ChannelReceiver,
    index: number,
    private readonly load: LocalLoad,
    private readonly sender: () => Task | undefined,
    private readonly receiverTask: Task,
  ) {
    super(receiver, index);
  }

  /** The sending task, looked up once it exists (channels are made while the tasks are built). */
  private from: Task | undefined;

  override writeRecord(value: Row, timestamp: number, key: unknown): void {
    if (--this.countdown > 0) {
      super.writeRecord(value, timestamp, key);
      return;
    }
    this.countdown = SAMPLE_EVERY;
    const t0 = performance.now();
    super.writeRecord(value, timestamp, key);
    this.load.delivered((this.from ??= this.sender()), this.receiverTask, (performance.now() - t0) * SAMPLE_EVERY);
  }

  override writeWatermark(watermark: number): void {
    // Watermarks are rare (periodic) and may fire many windows: each is timed.
    const t0 = performance.now();
    super.writeWatermark(watermark);
    this.load.delivered((this.from ??= this.sender()), this.receiverTask, performance.now() - t0);
  }
}
