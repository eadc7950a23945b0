import type { JobMetrics, JobSpec } from '@riffle/shared';
import type { EngineLogger, JobHandle } from '../api.js';
import { acknowledgeSnapshot, createCoordinator, type CheckpointSetup } from '../checkpoint/job-checkpoints.js';
import { restoreOperator } from '../checkpoint/restore.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { armFailAfter } from './fail-after.js';
import { armSlowNode } from './slow-node.js';
import { errorMessage } from '../errors.js';
import type { StateBackendConfig } from '../state/operator-backend.js';
import { JobBase } from './job-base.js';
import { LocalLoad } from './local-load.js';
import { NodeTaps } from './node-taps.js';
import { addStateMetrics, collectStateSizes } from './metrics.js';
import { PreviewBuffer } from './preview-buffer.js';
import { Sleeper } from './sleeper.js';
import { runSource, type SourceControl } from './source-driver.js';
import { buildTasks, type BuiltTasks } from './task-builder.js';

/** How often processing-time hooks run (window timers, file sinks rolling). */
const TICK_MS = 200;
const SAMPLE_MS = 1000;

/**
 * A running job: owns the tasks, drives the sources, and moves through the lifecycle
 * (created → running → stopping → stopped | finished | failed). Every task runs on the
 * event-loop thread in this runtime; nothing here depends on that except the channels.
 */
export class Job extends JobBase implements JobHandle {
  private readonly previews = new Map<string, PreviewBuffer>();
  private readonly sleeper = new Sleeper();
  private built: BuiltTasks | undefined;
  private taps: NodeTaps | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly load: LocalLoad;

  constructor(
    id: string,
    spec: JobSpec,
    physical: PhysicalPlan,
    private readonly baseDir: string,
    logger: EngineLogger,
    private readonly checkpointing?: CheckpointSetup,
    stateBackend?: StateBackendConfig,
  ) {
    super(id, spec, physical, logger, stateBackend);
    this.load = new LocalLoad(physical);
  }

  /** Whether sources should keep polling. */
  get running(): boolean {
    return !this.stopRequested && this.failure === undefined;
  }

  /** Builds and opens the tasks, then starts the sources; resolves once they are running. */
  async launch(): Promise<void> {
    this.lifecycle.transition('running');
    try {
      const taskOf = (chainId: string, s: number) => this.built?.tasks.find((t) => t.chainId === chainId && t.subtaskIndex === s);
      this.built = buildTasks(this.physical, {
        baseDir: this.baseDir,
        confineFiles: this.confineFiles,
        checkpointing: this.checkpointing !== undefined,
        checkpointMode: this.checkpointing?.config?.mode ?? 'exactly-once',
        logger: this.logger,
        services: { previewBuffer: (nodeId, limit) => this.previewBuffer(nodeId, limit) },
        fail: (error) => this.fail(error),
        ...(this.stateBackend !== undefined ? { stateBackend: this.stateBackend } : {}),
        jobId: this.id,
        deadLetter: (nodeId, counters, record, error) => {
          counters.deadLettered++;
          this.dead.add(nodeId, record, error);
        },
      }, this.load.placement(taskOf));
      armFailAfter(this.built.tasks, this.debugFailAfter);
      armSlowNode(this.built.tasks, this.debugSlowNode);
      for (const node of this.physical.graph.nodes) this.registry.register(node.id, node.kind, this.built.counters.get(node.id)!);
      const { byId } = this.physical.graph;
      this.taps = new NodeTaps(this.built.outputs, (id) => byId.get(id)!.parallelism, (id, r) => this.samples.add(id, r));
      if (this.checkpointing !== undefined) await this.setUpCheckpoints(this.checkpointing, this.built);
      for (const t of this.built.tasks) await t.open();
    } catch (e) {
      this.failure = e;
      void this.finalize();
      return;
    }
    this.startTimers();
    const job = this;
    const tasks = this.built.tasks;
    const control: SourceControl = {
      sleeper: this.sleeper,
      get running() {
        return job.running;
      },
      onBusy: (task, ms) => this.load.polled(task, ms),
      // Records reach every task by direct call here, so any sink's backlog holds the sources.
      backlog: () => {
        for (const t of tasks) {
          const wait = t.backlog();
          if (wait !== undefined) return wait;
        }
        return undefined;
      },
    };
    const drivers = this.built.sourceTasks.map((t) => runSource(t, control));
    void Promise.all(drivers.map((d) => d.catch((e) => this.fail(e)))).then(() => this.finalize());
  }

  /**
   * Restores every operator subtask from the snapshot (before `open`, as Flink's
   * initializeState), then wires the tasks to a checkpoint coordinator: each task's snapshot is
   * msgpackr-encoded here and written by the coordinator (same thread: no copy to hand over).
   */
  private async setUpCheckpoints(setup: CheckpointSetup, built: BuiltTasks): Promise<void> {
    const { graph } = this.physical;
    if (setup.restore !== undefined) {
      for (const t of built.tasks)
        for (const m of t.members) restoreOperator(m.operator, graph.byId.get(m.nodeId)!, t.subtaskIndex, graph.maxParallelism, setup.restore);
      this.logger.info('job restored', { jobId: this.id, snapshot: setup.restore.id });
    }
    const mode = setup.config?.mode ?? 'exactly-once';
    const coordinator = await createCoordinator(setup, this.physical, this.id, this.logger, {
      expectedTasks: () => built.tasks.map((t) => `${t.chainId}/${t.subtaskIndex}`),
      declineReason: () =>
        !this.running ? 'the job is stopping' : built.tasks.some((t) => t.ended) ? 'a task has finished (end of bounded input)' : undefined,
      triggerSources: (id, drain) => {
        for (const t of built.sourceTasks) {
          t.pendingBarriers.push(id);
          if (drain === true) t.stopAtBarrier = id;
        }
        // A rate-limited source asleep until its next record emits the barrier now, not then.
        this.sleeper.wakeAll();
      },
      resumeSources: () => this.resumeSources(),
      triggerFinal: (id) => {
        try {
          for (const t of built.tasks) t.snapshotFinal(id);
        } catch (e) {
          coordinator.decline(id, errorMessage(e));
        }
      },
      failJob: (e) => this.fail(e),
      notifyComplete: (id) => {
        try {
          for (const t of built.tasks) t.notifyCheckpointComplete(id);
        } catch (e) {
          this.fail(e);
        }
      },
    });
    for (const t of built.tasks) {
      t.checkpointMode = mode;
      if (setup.config?.maxAlignmentBytes !== undefined) t.maxAlignmentBytes = setup.config.maxAlignmentBytes;
      t.onDecline = (id, reason, ending) => coordinator.decline(id, reason, ending);
      const isSource = t.source !== undefined;
      t.onSnapshot = (s) =>
        acknowledgeSnapshot(
          s,
          isSource,
          (ack) => coordinator.acknowledge(ack),
          (id, reason) => coordinator.decline(id, reason),
        );
    }
    this.attachCoordinator(coordinator);
  }

  metrics(): JobMetrics {
    const m = this.registry.snapshot(this.id, this.status);
    if (this.built !== undefined) {
      addStateMetrics(m.operators, collectStateSizes(this.built.tasks));
      this.load.addTo(m.operators, this.built.tasks, this.built.counters);
    }
    return m;
  }

  preview(nodeId: string): unknown[] {
    return this.previews.get(nodeId)?.list() ?? [];
  }

  protected tap(nodeId: string, until: number): void {
    this.taps?.enable(nodeId, until);
  }

  protected onStopRequested(): void {
    this.sleeper.wakeAll();
  }

  protected resumeSources(): void {
    for (const t of this.built?.sourceTasks ?? []) t.resume();
    this.sleeper.wakeAll();
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    this.sleeper.wakeAll();
  }

  private previewBuffer(nodeId: string, limit: number): PreviewBuffer {
    let b = this.previews.get(nodeId);
    if (b === undefined) this.previews.set(nodeId, (b = new PreviewBuffer(limit)));
    return b;
  }

  private startTimers(): void {
    const tick = setInterval(() => {
      if (!this.running) return;
      const now = Date.now();
      this.taps?.expire(now);
      try {
        for (const t of this.built!.tasks) t.onProcessingTime(now);
      } catch (e) {
        this.fail(e);
      }
    }, TICK_MS);
    const sample = setInterval(() => {
      this.registry.sample();
      this.load.sample(this.built!.tasks);
    }, SAMPLE_MS);
    // Timers must not keep a process alive on their own: sources do that while the job runs.
    tick.unref();
    sample.unref();
    this.timers = [tick, sample];
    const interval = this.checkpointing?.config?.intervalMs;
    if (this.coordinator !== undefined && interval !== undefined) {
      const coordinator = this.coordinator;
      const periodic = setInterval(() => {
        // One at a time: a tick that finds one still running skips (Flink's minPause, simplified).
        if (this.running && !coordinator.inProgress) coordinator.trigger('checkpoint').catch(() => undefined);
      }, interval);
      periodic.unref();
      this.timers.push(periodic);
    }
  }

  /** Called once, after every source driver has returned. */
  private async finalize(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    // Bounded input ran out (every driver returned without a stop): the last output is committed
    // by a final checkpoint rather than at close.
    if (this.built !== undefined && this.built.tasks.every((t) => t.ended)) await this.finalCheckpoint();
    await this.coordinator?.close(this.failure !== undefined ? 'the job failed' : 'the job ended');
    const tasks = this.built?.tasks ?? [];
    if (this.failure === undefined) {
      try {
        for (const t of tasks) await t.close();
      } catch (e) {
        this.failure = e;
      }
    }
    if (this.failure !== undefined) for (const t of tasks) t.abort();
    await this.releaseState();
    this.settle();
  }
}
