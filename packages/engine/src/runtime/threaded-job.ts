import { MessageChannel, type Worker } from 'node:worker_threads';
import type { JobMetrics, JobSpec } from '@riffle/shared';
import type { EngineLogger, JobHandle } from '../api.js';
import { RiffleError } from '@riffle/shared';
import { createCoordinator, type CheckpointSetup } from '../checkpoint/job-checkpoints.js';
import { OperatorFailure } from '../errors.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import type { StateBackendConfig } from '../state/operator-backend.js';
import { JobBase } from './job-base.js';
import { addStateMetrics, newCounters, type NodeCounters, type OperatorLoadMetrics, type StateSize } from './metrics.js';
import { WorkerPool } from './worker-pool.js';
import type { FaultKind, FromWorker, TaskReport, ToWorker, WorkerInit, WorkerReport } from './worker-protocol.js';
import { runningCell, RUNNING_CELL_SPAN, taskIndexer } from './worker-runtime.js';

const SAMPLE_MS = 1000;
/** How long workers get to exit by themselves after abort before they are terminated. */
const ABORT_GRACE_MS = 2000;
/** How long a thread gets to drop a finished job before it is ended instead of reused. */
const RELEASE_TIMEOUT_MS = 2000;

/**
 * A job whose subtasks run on worker threads (one per slot; subtask s of every chain on slot
 * s mod slots, Flink's slot sharing, so forward edges stay inside a worker). The main thread only
 * coordinates: it starts and stops the workers, aggregates their reports into `metrics()`,
 * `preview()` and `deadLetters()`, and turns a worker failure or crash into a failed job.
 */
export class ThreadedJob extends JobBase implements JobHandle {
  /** node → subtask → counters, overwritten by each worker report. */
  private readonly counters = new Map<string, NodeCounters[]>();
  /** node → worker → that worker's latest preview contents. */
  private readonly previews = new Map<string, Map<number, unknown[]>>();
  private readonly previewLimits = new Map<string, number>();
  private readonly tasks = new Map<string, TaskReport>();
  /** Keyed node → subtask → latest state size reported by its worker. */
  private readonly state = new Map<string, StateSize[]>();
  /** The threads this job leased, by slot. */
  private leased: Worker[] = [];
  /** Leased threads not yet given back (or exited). */
  private attached = 0;
  /** Per slot: removes this job's listeners from the thread. */
  private readonly detach: Array<() => void> = [];
  /** Per slot: the thread still belongs to this job (messages go to it). */
  private readonly holds: boolean[] = [];
  /** Per slot: resolves when the thread answered `release` (with its heap size), or exited. */
  private readonly released: Array<(heapBytes?: number) => void> = [];
  private readonly pool: WorkerPool;
  /** Without a shared pool the job has threads of its own, ended with it. */
  private readonly ownsPool: boolean;
  private readonly running: Int32Array[] = [];
  private readonly finishedWorkers = new Set<number>();
  /** Workers whose tasks all reached the end of bounded input (they wait for `finish`). */
  private readonly endedWorkers = new Set<number>();
  private finalizing = false;
  private sampler: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;

  constructor(
    id: string,
    spec: JobSpec,
    physical: PhysicalPlan,
    private readonly baseDir: string,
    logger: EngineLogger,
    private readonly slots: number,
    private readonly checkpointing?: CheckpointSetup,
    stateBackend?: StateBackendConfig,
    pool?: WorkerPool,
  ) {
    super(id, spec, physical, logger, stateBackend);
    this.ownsPool = pool === undefined;
    this.pool = pool ?? new WorkerPool({ maxIdle: 0 });
    for (const node of physical.graph.nodes) {
      const list = Array.from({ length: node.parallelism }, newCounters);
      this.counters.set(node.id, list);
      this.registry.register(node.id, node.kind, list);
      if (node.kind === 'sink.collect') this.previewLimits.set(node.id, (node.params as { limit: number }).limit);
    }
  }

  /**
   * Worker threads still running this job (0 once it has ended: its own threads have exited, a
   * shared pool's threads have dropped the job and wait idle).
   */
  get liveWorkers(): number {
    return this.attached;
  }

  /** The job's worker threads (tests observe their exits). */
  get workers(): readonly Worker[] {
    return this.leased;
  }

  /** Spawns the workers, waits until each has opened its operators, then starts the sources. */
  async launch(): Promise<void> {
    this.lifecycle.transition('running');
    const maxParallelism = Math.max(...this.physical.chains.map((c) => c.parallelism));
    const count = Math.max(1, Math.min(this.slots, maxParallelism));
    const setup = this.checkpointing;
    if (setup !== undefined) {
      try {
        this.attachCoordinator(await createCoordinator(setup, this.physical, this.id, this.logger, {
          expectedTasks: () => this.physical.chains.flatMap((c) => Array.from({ length: c.parallelism }, (_, s) => `${c.id}/${s}`)),
          declineReason: () => (this.stopRequested || this.failure !== undefined || this.finalizing ? 'the job is stopping' : undefined),
          triggerSources: (id, drain) => this.broadcast({ t: 'trigger', id, ...(drain === true ? { drain } : {}) }),
          resumeSources: () => this.resumeSources(),
          triggerFinal: (id) => this.broadcast({ t: 'final', id }),
          notifyComplete: (id) => this.broadcast({ t: 'notify', id }),
          failJob: (e) => this.fail(e),
        }));
      } catch (e) {
        this.fail(e);
        await this.done;
        return;
      }
    }
    const inits: WorkerInit[] = [];
    for (let i = 0; i < count; i++) {
      const running = new SharedArrayBuffer(RUNNING_CELL_SPAN);
      this.running.push(runningCell(running));
      inits.push({
        jobId: this.id,
        spec: this.spec,
        baseDir: this.baseDir,
        confineFiles: this.confineFiles,
        index: i,
        workers: count,
        running,
        checkpoints: setup !== undefined,
        ...(this.debugFailAfter !== undefined ? { failAfter: this.debugFailAfter } : {}),
        ...(this.debugSlowNode !== undefined ? { slowNode: this.debugSlowNode } : {}),
        ...(setup?.restore !== undefined ? { restore: setup.restore } : {}),
        ...(this.stateBackend !== undefined ? { stateBackend: this.stateBackend } : {}),
      });
    }
    const workers = (this.leased = this.pool.lease(count));
    this.attached = workers.length;
    const ready = workers.map((w, i) => this.watch(w, i));
    workers.forEach((w, i) => w.postMessage({ t: 'job', init: inits[i]! } satisfies ToWorker));
    // One MessagePort pair per pair of workers carries batches and credits both ways.
    const ports: Array<ToWorker & { t: 'peers' }> = workers.map(() => ({ t: 'peers', ports: [] }));
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        const { port1, port2 } = new MessageChannel();
        ports[a]!.ports.push({ peer: b, port: port1 });
        ports[b]!.ports.push({ peer: a, port: port2 });
      }
    }
    workers.forEach((w, i) => w.postMessage(ports[i]!, ports[i]!.ports.map((p) => p.port)));
    await Promise.all(ready);
    // Opening failed (e.g. a missing input file): start resolves with the job already failed.
    if (this.failure !== undefined) {
      await this.done;
      return;
    }
    this.sampler = setInterval(() => this.registry.sample(), SAMPLE_MS);
    this.sampler.unref();
    this.broadcast({ t: 'start' });
    const interval = setup?.config?.intervalMs;
    const coordinator = this.coordinator;
    if (coordinator !== undefined && interval !== undefined) {
      this.periodic = setInterval(() => {
        if (!this.stopRequested && this.failure === undefined && !coordinator.inProgress) coordinator.trigger('checkpoint').catch(() => undefined);
      }, interval);
      this.periodic.unref();
    }
  }

  /** Wires a worker's messages and exit; resolves once it is ready (or the job failed). */
  private watch(w: Worker, index: number): Promise<void> {
    return new Promise((ready) => {
      const onMessage = (msg: FromWorker) => {
        switch (msg.t) {
          case 'ready':
            ready();
            return;
          case 'report':
            this.apply(index, msg.report);
            return;
          case 'log':
            this.logger[msg.level](msg.msg, { worker: index, ...msg.data });
            return;
          case 'failed':
            this.fail(new RiffleError(msg.error));
            ready();
            return;
          case 'ack':
            this.coordinator?.acknowledge(msg.ack);
            return;
          case 'decline':
            this.coordinator?.decline(msg.id, msg.reason, msg.ending);
            return;
          case 'ended':
            this.endedWorkers.add(index);
            if (this.endedWorkers.size === this.leased.length) void this.finishBounded();
            return;
          case 'done':
            this.finishedWorkers.add(index);
            if (this.finishedWorkers.size === this.leased.length) void this.finalize();
            return;
          case 'released':
            this.released[index]?.(msg.heapBytes);
            return;
        }
      };
      const onError = (e: unknown) => {
        this.fail(this.crash(index, `threw ${e instanceof Error ? e.message : String(e)}`));
        ready();
      };
      const onExit = (code: number) => {
        this.attached--;
        this.detach[index]!();
        this.released[index]?.();
        if (!this.finishedWorkers.has(index) && this.failure === undefined) this.fail(this.crash(index, `exited unexpectedly (code ${code})`));
        ready();
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.once('exit', onExit);
      this.holds[index] = true;
      this.detach[index] = () => {
        // From here on the thread may run another job: nothing of this one may reach it.
        this.holds[index] = false;
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        this.detach[index] = () => undefined;
        // A launch still waiting for this thread goes on (the job has failed by then).
        ready();
      };
    });
  }

  /** A worker died outside the engine's control: name the operator chain it was running. */
  private crash(index: number, what: string): Error {
    const taskIndex = this.running[index]![0]! - 1;
    const indexOf = taskIndexer(this.physical);
    const chain = this.physical.chains.find((c) => taskIndex >= indexOf(c, 0) && taskIndex < indexOf(c, c.parallelism)) ??
      this.physical.chains.find((c) => c.parallelism > index);
    const subtask = chain === undefined ? 0 : taskIndex - indexOf(chain, 0);
    const nodeId = chain?.id ?? 'unknown';
    const err = new OperatorFailure(nodeId, new Error(`worker thread ${index} ${what} while running ${chain ? `chain [${chain.nodes.join(' → ')}] subtask ${subtask}` : 'no task'}`));
    return err;
  }

  private apply(worker: number, r: WorkerReport): void {
    for (const [nodeId, s, c] of r.counters) Object.assign(this.counters.get(nodeId)![s]!, c);
    for (const t of r.tasks) this.tasks.set(`${t.chainId}/${t.subtask}`, t);
    for (const [nodeId, records] of r.previews) {
      let byWorker = this.previews.get(nodeId);
      if (byWorker === undefined) this.previews.set(nodeId, (byWorker = new Map()));
      byWorker.set(worker, records);
    }
    for (const d of r.deadLetters) this.dead.addEntry(d);
    for (const [nodeId, record] of r.samples ?? []) this.samples.add(nodeId, record);
    for (const [nodeId, s, size] of r.state ?? []) {
      let list = this.state.get(nodeId);
      if (list === undefined) this.state.set(nodeId, (list = []));
      list[s] = size;
    }
  }

  metrics(): JobMetrics {
    const m = this.registry.snapshot(this.id, this.status);
    addStateMetrics(m.operators, this.state);
    for (const op of m.operators) {
      const chain = this.physical.chainOf.get(op.nodeId)!;
      const subtasks: TaskReport[] = [];
      for (let s = 0; s < chain.parallelism; s++) {
        const t = this.tasks.get(`${chain.id}/${s}`);
        if (t !== undefined) subtasks.push(t);
      }
      if (subtasks.length === 0) continue;
      const avg = (f: (t: TaskReport) => number) => Math.round((subtasks.reduce((a, t) => a + f(t), 0) / subtasks.length) * 1000) / 1000;
      const counters = this.counters.get(op.nodeId)!;
      Object.assign(op, {
        busyRatio: avg((t) => t.busyRatio),
        backPressuredRatio: avg((t) => t.backPressuredRatio),
        idleRatio: avg((t) => t.idleRatio),
        subtasks: subtasks.map(({ chainId: _, ...t }) => {
          const size = this.state.get(op.nodeId)?.[t.subtask];
          const state = size === undefined ? {} : { stateKeys: size[0], stateBytes: size[1] };
          return { ...t, recordsIn: counters[t.subtask]!.recordsIn, recordsOut: counters[t.subtask]!.recordsOut, ...state };
        }),
      } satisfies OperatorLoadMetrics);
    }
    return m;
  }

  preview(nodeId: string): unknown[] {
    const byWorker = this.previews.get(nodeId);
    if (byWorker === undefined) return [];
    const all = [...byWorker.keys()].sort((a, b) => a - b).flatMap((w) => byWorker.get(w)!);
    return all.slice(-(this.previewLimits.get(nodeId) ?? all.length));
  }

  /** Test hook: makes operator `nodeId` throw (a bug), kill its worker thread (a crash), or run slowly. */
  injectFault(nodeId: string, kind: FaultKind, micros = 0): void {
    this.broadcast({ t: 'fault', nodeId, kind, micros });
  }

  private broadcast(msg: ToWorker): void {
    this.leased.forEach((w, i) => {
      if (this.holds[i] === true) w.postMessage(msg);
    });
  }

  protected tap(nodeId: string, until: number): void {
    this.broadcast({ t: 'tap', nodeId, until });
  }

  protected onStopRequested(): void {
    this.broadcast({ t: 'stop' });
  }

  protected resumeSources(): void {
    this.broadcast({ t: 'resume' });
  }

  /** Every worker's bounded input ran out: the final checkpoint, then the workers close their tasks. */
  private async finishBounded(): Promise<void> {
    await this.finalCheckpoint();
    this.broadcast({ t: 'finish' });
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined || this.finalizing) return;
    this.failure = e;
    this.broadcast({ t: 'abort' });
    void this.finalize();
  }

  /**
   * Hands a thread back once the job is over. After a clean end (every thread said `done`) a
   * shared pool's thread drops the job (`release`) and waits for the next one; otherwise (a
   * failure, or threads of the job's own) it exits: by itself after `abort` within the grace
   * period, or terminated.
   */
  private async giveBack(w: Worker, index: number): Promise<void> {
    // A thread that exited was let go (and counted) by its exit listener.
    if (this.holds[index] !== true) return;
    let heapBytes: number | undefined;
    if (!this.ownsPool && this.failure === undefined && this.finishedWorkers.size === this.leased.length) {
      heapBytes = await new Promise<number | undefined>((resolve) => {
        this.released[index] = resolve;
        setTimeout(() => resolve(undefined), RELEASE_TIMEOUT_MS).unref();
        w.postMessage({ t: 'release' } satisfies ToWorker);
      });
    }
    if (this.holds[index] !== true) return; // exited while asked to release
    this.detach[index]!();
    await this.pool.giveBack(w, heapBytes, this.failure === undefined ? 0 : ABORT_GRACE_MS);
    this.attached--;
  }

  private async finalize(): Promise<void> {
    if (this.finalizing) return;
    this.finalizing = true;
    if (this.sampler !== undefined) clearInterval(this.sampler);
    if (this.periodic !== undefined) clearInterval(this.periodic);
    await this.coordinator?.close(this.failure !== undefined ? 'the job failed' : 'the job ended');
    await Promise.all(this.leased.map((w, i) => this.giveBack(w, i)));
    if (this.ownsPool) await this.pool.close();
    await this.releaseState();
    this.settle();
  }
}
