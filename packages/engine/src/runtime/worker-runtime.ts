import type { MessagePort } from 'node:worker_threads';
import { validateSpec, type DeadLetter } from '@riffle/shared';
import type { EngineLogger } from '../api.js';
import type { Row } from '../collector.js';
import { acknowledgeSnapshot } from '../checkpoint/job-checkpoints.js';
import { restoreOperator } from '../checkpoint/restore.js';
import { armFailAfter } from './fail-after.js';
import { armSlowNode } from './slow-node.js';
import { errorMessage, toErrorInfo } from '../errors.js';
import { buildLogicalGraph } from '../plan/logical-graph.js';
import { exchangeProjection, type Projection } from '../plan/exchange-projection.js';
import { buildPhysicalPlan, type ChainPlan, type PhysicalPlan } from '../plan/physical-plan.js';
import { decodeBatch, encodeBatch, type Batch } from './batch.js';
import { BatchChannel, LINGER_MS } from './batch-channel.js';
import { LocalChannel } from './channel.js';
import { deadLetterOf, DEAD_LETTER_SAMPLE } from './dead-letters.js';
import { collectStateSizes } from './metrics.js';
import { NodeTaps } from './node-taps.js';
import { PreviewBuffer } from './preview-buffer.js';
import { Sleeper } from './sleeper.js';
import { runSource, type SourceControl } from './source-driver.js';
import { buildTasks, type BuiltTasks } from './task-builder.js';
import type { Task } from './task.js';
import { GATE_SPAN, type FromWorker, type PeerMessage, type FaultKind, type TaskReport, type ToWorker, type WorkerInit, type WorkerReport } from './worker-protocol.js';

const TICK_MS = 200;
const REPORT_MS = 250;
/** State sizes walk the state: reported at most this often (and in the final report). */
const STATE_REPORT_MS = 1000;
/** Longest stretch of input processing before the worker lets messages (credits, batches) in. */
const SLICE_MS = 2;
/** Sampled records held between two reports at most (taps keep ~20/s, reports go 4 times a second). */
const MAX_PENDING_SAMPLES = 200;

/** A received batch waiting for its task: decoded only when processed, acknowledged after. */
interface Pending {
  gate: number;
  batch: Batch | undefined;
  bytes: Uint8Array | undefined;
  ack(): void;
  /** Its head operator was asked to load the batch's state ({@link Task.prepareBatch}). */
  prepared?: boolean;
}

/** Per-task bookkeeping of the worker. */
interface TaskSlot {
  task: Task;
  index: number;
  queue: Pending[];
  channels: BatchChannel[];
  busyMs: number;
  blockedMs: number;
  blockedSince: number;
  /** A batch's state is being loaded, or a sink's backlog drains: the task takes no input until then. */
  waiting: boolean;
}

/**
 * The runtime inside one worker thread: builds the subtasks placed on this slot, moves batches
 * between them (same worker: by reference; other workers: msgpackr-encoded over a MessagePort),
 * runs the sources, enforces credit-based flow control, and reports metrics, previews and dead
 * letters to the main thread.
 */
export class WorkerRuntime {
  private readonly plan: PhysicalPlan;
  private readonly built: BuiltTasks;
  private readonly slots = new Map<Task, TaskSlot>();
  private readonly byIndex = new Map<number, TaskSlot>();
  private readonly remoteChannels = new Map<number, BatchChannel>();
  private readonly ports = new Map<number, MessagePort>();
  private readonly previews = new Map<string, { buffer: PreviewBuffer; reported: number }>();
  private deadLetters: DeadLetter[] = [];
  private readonly taps: NodeTaps;
  private samples: NonNullable<WorkerReport['samples']> = [];
  private readonly creditWaiters: Array<{ task: Task; resolve: () => void }> = [];
  private readonly sleeper = new Sleeper();
  private readonly running: Int32Array;
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduled = false;
  private stopping = false;
  private failed = false;
  private finished = false;
  /** `ended` went to the main thread (bounded job with checkpoints, waiting for its final checkpoint). */
  private endedReported = false;
  private sourcesLeft = 0;
  private lastReport = performance.now();
  private lastStateReport = -Infinity;

  constructor(
    private readonly init: WorkerInit,
    private readonly post: (msg: FromWorker) => void,
    private readonly logger: EngineLogger,
  ) {
    this.running = runningCell(init.running);
    const v = validateSpec(init.spec);
    if (!v.ok) throw new Error('worker received an invalid spec');
    this.plan = buildPhysicalPlan(buildLogicalGraph(v.spec!, v));
    const taskIndex = taskIndexer(this.plan);
    const pending: Array<[Task, ChainPlan, number]> = [];
    // Per consumer chain: the fields its records need to cross an exchange with, if not all.
    const projections = new Map<ChainPlan, Projection>();
    for (const chain of this.plan.chains) {
      const projection = exchangeProjection(this.plan.graph.byId.get(chain.id)!);
      if (projection !== undefined) projections.set(chain, projection);
    }
    this.built = buildTasks(
      this.plan,
      {
        baseDir: init.baseDir,
        confineFiles: init.confineFiles === true,
        checkpointing: init.checkpoints,
        checkpointMode: v.spec!.config.checkpoints?.mode ?? 'exactly-once',
        logger,
        services: { previewBuffer: (nodeId, limit) => this.previewBuffer(nodeId, limit) },
        fail: (error) => this.fail(error),
        ...(init.stateBackend !== undefined ? { stateBackend: init.stateBackend } : {}),
        jobId: init.jobId,
        deadLetter: (nodeId, counters, record, error) => {
          counters.deadLettered++;
          if (this.deadLetters.length >= DEAD_LETTER_SAMPLE) this.deadLetters.shift();
          this.deadLetters.push(deadLetterOf(nodeId, record, error));
        },
      },
      {
        owns: (_chain, s) => s % init.workers === init.index,
        channel: (_edge, _from, down, to, gate, local) => {
          const id = taskIndex(down, to) * GATE_SPAN + gate;
          if (local !== undefined) return new DirectTaskChannel(local, gate, this.running, taskIndex(down, to) + 1);
          const peer = to % init.workers;
          const project = projections.get(down);
          const ch: BatchChannel = new BatchChannel(project === undefined ? encodeBatch : (b) => encodeBatch(b, project, ch.watermarkBound), (buf) => {
            this.ports.get(peer)!.postMessage({ t: 'b', id, buf } satisfies PeerMessage, [buf.buffer as ArrayBuffer]);
          });
          this.remoteChannels.set(id, ch);
          return ch;
        },
      },
    );
    const { byId } = this.plan.graph;
    this.taps = new NodeTaps(this.built.outputs, (id) => byId.get(id)!.parallelism, (nodeId, record) => {
      // The taps limit the rate; this only guards against reports that stop going out.
      if (this.samples.length >= MAX_PENDING_SAMPLES) this.samples.shift();
      this.samples.push([nodeId, record]);
    });
    for (const t of this.built.tasks) {
      const chain = this.plan.chainOf.get(t.chainId)!;
      pending.push([t, chain, taskIndex(chain, t.subtaskIndex)]);
    }
    armFailAfter(this.built.tasks, init.failAfter);
    armSlowNode(this.built.tasks, init.slowNode);
    const { graph } = this.plan;
    if (init.restore !== undefined)
      for (const t of this.built.tasks)
        for (const m of t.members) restoreOperator(m.operator, graph.byId.get(m.nodeId)!, t.subtaskIndex, graph.maxParallelism, init.restore);
    if (init.checkpoints) {
      // Workers send their tasks' encoded state to the main thread, which writes every file: the
      // storage (one PendingSnapshot per checkpoint, checksums for _metadata) stays in one place.
      for (const t of this.built.tasks) {
        t.checkpointMode = v.spec!.config.checkpoints?.mode ?? 'exactly-once';
        const cap = v.spec!.config.checkpoints?.maxAlignmentBytes;
        if (cap !== undefined) t.maxAlignmentBytes = cap;
        t.onDecline = (id, reason, ending) => this.post({ t: 'decline', id, reason, ...(ending === true ? { ending } : {}) });
        const isSource = t.source !== undefined;
        t.onSnapshot = (s) =>
          acknowledgeSnapshot(
            s,
            isSource,
            (ack) => this.post({ t: 'ack', ack }),
            (id, reason) => this.post({ t: 'decline', id, reason }),
          );
      }
    }
    for (const [task, , index] of pending) {
      const slot: TaskSlot = { task, index, queue: [], channels: [], busyMs: 0, blockedMs: 0, blockedSince: -1, waiting: false };
      for (const w of task.writers) for (const c of w.channels) if (c instanceof BatchChannel) slot.channels.push(c);
      this.slots.set(task, slot);
      this.byIndex.set(index, slot);
    }
  }

  /** Opens every operator; resolves false (after reporting) when one failed. */
  async open(): Promise<boolean> {
    try {
      for (const t of this.built.tasks) await t.open();
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  connect(peer: number, port: MessagePort): void {
    this.ports.set(peer, port);
    port.on('message', (msg: PeerMessage) => this.onPeer(peer, port, msg));
  }

  handle(msg: ToWorker): void {
    switch (msg.t) {
      case 'peers':
        for (const { peer, port } of msg.ports) this.connect(peer, port);
        return;
      case 'start':
        this.start();
        return;
      case 'stop':
        this.stopping = true;
        this.sleeper.wakeAll();
        this.wakeCreditWaiters(true);
        if (this.sourcesLeft === 0) void this.finish();
        return;
      case 'abort':
        this.abort();
        return;
      case 'trigger': {
        const ended = this.built.tasks.find((t) => t.ended);
        if (ended !== undefined || this.stopping || this.failed) {
          this.post({ t: 'decline', id: msg.id, reason: ended ? `task ${ended.chainId}/${ended.subtaskIndex} has finished (end of bounded input)` : 'the job is stopping' });
          return;
        }
        for (const t of this.built.sourceTasks) {
          t.pendingBarriers.push(msg.id);
          if (msg.drain === true) t.stopAtBarrier = msg.id;
        }
        // A rate-limited source asleep until its next record emits the barrier now, not then.
        this.sleeper.wakeAll();
        return;
      }
      case 'resume':
        for (const t of this.built.sourceTasks) t.resume();
        this.sleeper.wakeAll();
        return;
      case 'final':
        try {
          for (const t of this.built.tasks) t.snapshotFinal(msg.id);
        } catch (e) {
          this.post({ t: 'decline', id: msg.id, reason: errorMessage(e) });
        }
        return;
      case 'finish':
        void this.finish();
        return;
      case 'notify':
        try {
          for (const t of this.built.tasks) t.notifyCheckpointComplete(msg.id);
        } catch (e) {
          this.fail(e);
        }
        return;
      case 'fault':
        this.injectFault(msg.nodeId, msg.kind, msg.micros ?? 0);
        return;
      case 'tap':
        this.taps.enable(msg.nodeId, msg.until);
        return;
    }
  }

  private start(): void {
    const flush = setInterval(() => {
      for (const slot of this.slots.values()) for (const c of slot.channels) c.flush();
      // An alignment may have completed from another task's direct call: queued batches can go on.
      this.schedule();
      this.checkFinished();
    }, LINGER_MS);
    const tick = setInterval(() => {
      if (this.stopping || this.failed) return;
      const now = Date.now();
      try {
        for (const t of this.built.tasks) t.onProcessingTime(now);
      } catch (e) {
        this.fail(e);
      }
    }, TICK_MS);
    const report = setInterval(() => this.report(), REPORT_MS);
    this.timers.push(flush, tick, report);
    const rt = this;
    const control: SourceControl = {
      sleeper: this.sleeper,
      get running() {
        return !rt.stopping && !rt.failed;
      },
      awaitCredit: (task) => this.awaitCredit(task),
      yieldAfterMs: SLICE_MS,
      onBusy: (task, ms) => void (this.slots.get(task)!.busyMs += ms),
      onBacklog: (task, ms) => void (this.slots.get(task)!.blockedMs += ms),
    };
    this.sourcesLeft = this.built.sourceTasks.length;
    for (const t of this.built.sourceTasks) {
      const slot = this.slots.get(t)!;
      void (async () => {
        this.running[0] = slot.index + 1;
        await runSource(t, control);
      })()
        .catch((e) => this.fail(e))
        .finally(() => {
          this.sourcesLeft--;
          if (this.stopping) {
            if (this.sourcesLeft === 0) void this.finish();
          } else this.checkFinished();
        });
    }
    this.schedule();
  }

  private onPeer(peer: number, port: MessagePort, msg: PeerMessage): void {
    if (msg.t === 'c') {
      const ch = this.remoteChannels.get(msg.id);
      if (ch !== undefined) this.onCredit(ch, msg.n);
      return;
    }
    const slot = this.byIndex.get(Math.floor(msg.id / GATE_SPAN));
    if (slot === undefined) throw new Error(`worker ${this.init.index}: batch for unknown channel ${msg.id} from worker ${peer}`);
    const id = msg.id;
    this.enqueue(slot.task, { gate: id % GATE_SPAN, batch: undefined, bytes: msg.buf, ack: () => port.postMessage({ t: 'c', id, n: 1 } satisfies PeerMessage) });
  }

  private enqueue(task: Task, p: Pending): void {
    this.slots.get(task)!.queue.push(p);
    this.schedule();
  }

  private onCredit(ch: BatchChannel, n: number): void {
    ch.addCredits(n);
    this.wakeCreditWaiters(false);
    this.schedule();
    this.checkFinished();
  }

  private awaitCredit(task: Task): Promise<void> {
    const slot = this.slots.get(task)!;
    if (slot.blockedSince < 0) slot.blockedSince = performance.now();
    return new Promise((resolve) => this.creditWaiters.push({ task, resolve }));
  }

  private wakeCreditWaiters(all: boolean): void {
    for (let i = this.creditWaiters.length - 1; i >= 0; i--) {
      const w = this.creditWaiters[i]!;
      if (!all && w.task.blocked) continue;
      this.creditWaiters.splice(i, 1);
      this.unblocked(this.slots.get(w.task)!);
      w.resolve();
    }
  }

  private unblocked(slot: TaskSlot): void {
    if (slot.blockedSince >= 0) {
      slot.blockedMs += performance.now() - slot.blockedSince;
      slot.blockedSince = -1;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.processInput();
    });
  }

  /** Processes queued batches of every task that is not back-pressured, for one time slice. */
  private processInput(): void {
    if (this.failed || this.finished) return;
    const started = performance.now();
    let more = false;
    try {
      for (const slot of this.slots.values()) {
        const { task, queue } = slot;
        while (queue.length > 0 && !slot.waiting) {
          if (task.blocked) {
            if (slot.blockedSince < 0) slot.blockedSince = performance.now();
            break;
          }
          if (this.stopping) {
            queue.length = 0;
            break;
          }
          // Batches of a channel held back by a barrier alignment stay queued, credit unreturned.
          let at = 0;
          while (at < queue.length && task.isBlocked(queue[at]!.gate)) at++;
          if (at === queue.length) break;
          // A sink of the chain with too much output in flight: its input waits (back-pressure).
          const backlog = task.backlog();
          if (backlog !== undefined) {
            this.awaitBacklog(slot, backlog);
            break;
          }
          this.unblocked(slot);
          const p = queue[at]!;
          const t0 = performance.now();
          p.batch ??= decodeBatch(p.bytes!);
          if (!p.prepared && this.prepare(slot, p)) {
            slot.busyMs += performance.now() - t0;
            break;
          }
          if (at === 0) queue.shift();
          else queue.splice(at, 1);
          const prev = this.running[0]!;
          this.running[0] = slot.index + 1;
          task.processBatch(p.gate, p.batch);
          this.running[0] = prev;
          const t1 = performance.now();
          slot.busyMs += t1 - t0;
          p.ack();
          if (t1 - started > SLICE_MS) {
            more = true;
            break;
          }
        }
        if (more) break;
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    if (more) this.schedule();
    this.checkFinished();
  }

  /**
   * Asks the task's head operator to load the state of a batch's keys (the disk backend reads
   * them off the event loop). True when that takes a while: the task then waits, its batches
   * staying queued in order, and input resumes once the state is in.
   */
  private prepare(slot: TaskSlot, p: Pending): boolean {
    p.prepared = true;
    const loading = slot.task.prepareBatch(p.batch!);
    if (loading === undefined) return false;
    slot.waiting = true;
    loading.then(
      () => {
        slot.waiting = false;
        this.schedule();
      },
      // A read cut short by the end of the job (its databases closing) is no failure.
      (e: unknown) => {
        if (!this.stopping && !this.finished) this.fail(e);
      },
    );
    return true;
  }

  /** Holds a task's input until its sink's backlog settles; the wait counts as back-pressured time. */
  private awaitBacklog(slot: TaskSlot, backlog: Promise<void>): void {
    slot.waiting = true;
    if (slot.blockedSince < 0) slot.blockedSince = performance.now();
    void backlog.then(() => {
      slot.waiting = false;
      this.unblocked(slot);
      this.schedule();
    });
  }

  /** A bounded job ends here once every task ended and every batch left (credit permitting). */
  private checkFinished(): void {
    if (this.finished || this.stopping || this.failed || this.sourcesLeft > 0) return;
    for (const slot of this.slots.values()) {
      if (!slot.task.ended) return;
      for (const c of slot.channels) if (c.blocked) return;
    }
    if (!this.init.checkpoints) {
      void this.finish();
      return;
    }
    // The main thread takes the final checkpoint once every worker got here, then says `finish`.
    if (this.endedReported) return;
    this.endedReported = true;
    this.post({ t: 'ended' });
  }

  private async finish(): Promise<void> {
    if (this.finished || this.failed) return;
    this.finished = true;
    for (const t of this.timers) clearInterval(t);
    try {
      for (const t of this.built.tasks) await t.close();
    } catch (e) {
      this.finished = false;
      this.fail(e);
      return;
    }
    this.report(true);
    this.post({ t: 'done' });
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    for (const t of this.timers) clearInterval(t);
    this.sleeper.wakeAll();
    const info = toErrorInfo(e);
    this.logger.error('task failed', { worker: this.init.index, ...info });
    this.report();
    this.post({ t: 'failed', error: info });
  }

  /**
   * The job is over here (`done` went out, its tasks are closed) and the thread goes back to its
   * pool: stop the timers and close the peer ports, so nothing of the job runs or keeps it alive.
   */
  dispose(): void {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.sleeper.wakeAll();
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }

  private abort(): void {
    this.failed = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.built.tasks) t.abort();
    for (const port of this.ports.values()) port.close();
    process.exit(0);
  }

  private report(final = false): void {
    const now = performance.now();
    const interval = Math.max(1, now - this.lastReport);
    this.lastReport = now;
    const counters: WorkerReport['counters'] = [];
    for (const [nodeId, list] of this.built.counters) list.forEach((c, s) => c !== undefined && counters.push([nodeId, s, c]));
    const tasks: TaskReport[] = [];
    for (const slot of this.slots.values()) {
      if (slot.blockedSince >= 0) {
        slot.blockedMs += now - slot.blockedSince;
        slot.blockedSince = now;
      }
      const busy = Math.min(1, slot.busyMs / interval);
      const bp = Math.min(1 - busy, slot.blockedMs / interval);
      let outputQueue = 0;
      let buffered = 0;
      for (const c of slot.channels) {
        outputQueue += c.queuedBatches;
        buffered += c.bufferedRecords;
      }
      tasks.push({
        chainId: slot.task.chainId,
        subtask: slot.task.subtaskIndex,
        worker: this.init.index,
        busyRatio: round(busy),
        backPressuredRatio: round(bp),
        idleRatio: round(1 - busy - bp),
        inputQueue: slot.queue.length,
        outputQueue,
        bufferedRecords: buffered,
      });
      slot.busyMs = slot.blockedMs = 0;
    }
    const previews: Array<[string, unknown[]]> = [];
    for (const [nodeId, p] of this.previews) {
      if (p.buffer.version === p.reported) continue;
      p.reported = p.buffer.version;
      previews.push([nodeId, p.buffer.list()]);
    }
    const deadLetters = this.deadLetters;
    this.deadLetters = [];
    const report: WorkerReport = { counters, tasks, previews, deadLetters };
    this.taps.expire();
    if (this.samples.length > 0) {
      report.samples = this.samples;
      this.samples = [];
    }
    if (final || now - this.lastStateReport >= STATE_REPORT_MS) {
      this.lastStateReport = now;
      report.state = [];
      for (const [nodeId, list] of collectStateSizes(this.built.tasks)) list.forEach((size, s) => report.state!.push([nodeId, s, size]));
    }
    this.post({ t: 'report', report });
  }

  private previewBuffer(nodeId: string, limit: number): PreviewBuffer {
    let p = this.previews.get(nodeId);
    if (p === undefined) this.previews.set(nodeId, (p = { buffer: new PreviewBuffer(limit), reported: 0 }));
    return p.buffer;
  }

  private injectFault(nodeId: string, kind: FaultKind, micros: number): void {
    for (const t of this.built.tasks) {
      const m = t.members.find((x) => x.nodeId === nodeId);
      if (m === undefined) continue;
      const op = m.operator;
      const original = op.processElement.bind(op);
      op.processElement = (value, timestamp, key) => {
        if (kind === 'exit') process.exit(70);
        if (kind === 'throw') throw new TypeError('injected fault');
        const until = performance.now() + micros / 1000;
        while (performance.now() < until);
        original(value, timestamp, key);
      };
    }
  }
}

function round(x: number): number {
  return Math.round(Math.max(0, x) * 1000) / 1000;
}

/**
 * An exchange channel to a task on the same worker: delivery by direct call, as in the in-process
 * runtime (measured: batching by reference cost ~200 ns per record, mostly GC of records kept
 * alive in queued batches). It reports the receiving task's back-pressure as its own, so a
 * producer stops taking input when anything it feeds on this worker waits for credit. The
 * producer's busy time then includes the work of the tasks it feeds this way.
 */
class DirectTaskChannel extends LocalChannel {
  constructor(
    private readonly task: Task,
    index: number,
    /** The worker's "running task" cell, set while the receiving task runs (crash attribution). */
    private readonly running: Int32Array,
    private readonly mark: number,
  ) {
    super(task, index);
  }

  get blocked(): boolean {
    return this.task.blocked;
  }

  override writeRecord(value: Row, timestamp: number, key: unknown): void {
    const prev = this.running[0]!;
    this.running[0] = this.mark;
    super.writeRecord(value, timestamp, key);
    this.running[0] = prev;
  }

  override writeWatermark(watermark: number): void {
    const prev = this.running[0]!;
    this.running[0] = this.mark;
    super.writeWatermark(watermark);
    this.running[0] = prev;
  }
}

/**
 * Bytes of a worker's "running task" buffer. The worker writes its cell around every record it
 * hands to another task on its thread; the buffers of a job's workers are allocated one after
 * the other, so 4-byte buffers shared cache lines and two workers writing their own cells kept
 * stealing the line from each other's core (false sharing). The cell sits in the middle of a
 * buffer wider than two cache lines, so no other buffer's cell can share its line.
 */
export const RUNNING_CELL_SPAN = 192;

/** The worker's running-task cell (an Int32Array of one element) in its buffer. */
export function runningCell(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, RUNNING_CELL_SPAN / 2, 1);
}

/** Global task numbering: chains in plan order, subtasks within. */
export function taskIndexer(plan: PhysicalPlan): (chain: ChainPlan, subtask: number) => number {
  const offsets = new Map<ChainPlan, number>();
  let n = 0;
  for (const c of plan.chains) {
    offsets.set(c, n);
    n += c.parallelism;
  }
  return (chain, subtask) => offsets.get(chain)! + subtask;
}
