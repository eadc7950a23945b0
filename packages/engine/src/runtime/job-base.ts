import { rm } from 'node:fs/promises';
import { RiffleError, type DeadLetter, type JobSpec, type JobStatus, type RiffleErrorInfo, type SampledRecord } from '@riffle/shared';
import type { EngineLogger, JobResult, RestartInfo } from '../api.js';
import type { CheckpointCoordinator, CheckpointListener, CheckpointStats, CompletedSnapshot } from '../checkpoint/coordinator.js';
import type { RestoreReport } from '../checkpoint/restore-latest.js';
import { toErrorInfo } from '../errors.js';
import { describePhysicalPlan, type PlanDescription } from '../plan/describe-plan.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import type { StateBackendConfig } from '../state/operator-backend.js';
import { DeadLetterBuffer } from './dead-letters.js';
import type { FailAfter } from './fail-after.js';
import type { SlowNode } from './slow-node.js';
import { JobLifecycle, type StatusListener } from './lifecycle.js';
import { MetricsRegistry } from './metrics.js';
import { SampleRings, TAP_MS } from './sample-rings.js';

/**
 * What both runtimes share behind the `JobHandle` API: the lifecycle, dead letters, the plan, the
 * checkpoint coordinator's controls and the stop request. Each runtime says how a stop reaches
 * its tasks ({@link onStopRequested}) and how it runs, reports metrics and previews.
 */
export abstract class JobBase {
  readonly done: Promise<JobResult>;
  protected resolveDone!: (r: JobResult) => void;
  protected readonly lifecycle: JobLifecycle;
  protected readonly registry = new MetricsRegistry();
  protected readonly dead = new DeadLetterBuffer();
  protected failure: unknown;
  protected stopRequested = false;
  protected coordinator: CheckpointCoordinator | undefined;
  protected readonly samples = new SampleRings();
  /** Live-preview taps: node → when its tap goes off (epoch ms). */
  private readonly tapUntil = new Map<string, number>();
  private readonly checkpointListeners = new Set<CheckpointListener>();
  /** What this run started from (set by `Engine.start` when it restored or looked for `latest`). */
  restored: RestoreReport | undefined;
  /** Test-only (`EngineOptions.debugFailAfter`): an operator of this run fails deliberately. */
  debugFailAfter: FailAfter | undefined;
  /** Test-only (`EngineOptions.debugSlowNode`): an operator of this run is slowed down. */
  debugSlowNode: SlowNode | undefined;
  /** `EngineOptions.confineFiles`: file sources and sinks re-check their paths at open. */
  confineFiles = false;

  constructor(
    readonly id: string,
    readonly spec: JobSpec,
    protected readonly physical: PhysicalPlan,
    protected readonly logger: EngineLogger,
    /** Where keyed operators keep their state (the heap when absent). */
    protected readonly stateBackend?: StateBackendConfig,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.lifecycle = new JobLifecycle((e) => logger.warn('status listener threw', { jobId: id, error: String(e) }));
  }

  get status(): JobStatus {
    return this.lifecycle.status;
  }

  get error(): RiffleErrorInfo | undefined {
    return this.failure === undefined ? undefined : toErrorInfo(this.failure);
  }

  deadLetters(): DeadLetter[] {
    return this.dead.list();
  }

  plan(): PlanDescription {
    return describePhysicalPlan(this.physical);
  }

  /**
   * The node's recent output records, and keeps its tap on for {@link TAP_MS} more. The first
   * call turns the tap on (and returns nothing yet); call it about once a second while watching.
   * @throws {RiffleError} `unknown_node` when the job has no such node.
   */
  sample(nodeId: string): SampledRecord[] {
    if (!this.physical.graph.byId.has(nodeId))
      throw new RiffleError({ code: 'unknown_node', domain: 'user', retryable: false, message: `the job has no node "${nodeId}"; pick one of its spec's node ids` });
    const now = Date.now();
    const until = this.tapUntil.get(nodeId) ?? 0;
    if (until <= now) this.samples.reset(nodeId);
    // Re-arm once a third of the window has passed, not on every call: in the threaded runtime
    // each re-arm is a message to every worker.
    if (until - now < (TAP_MS * 2) / 3) {
      this.tapUntil.set(nodeId, now + TAP_MS);
      this.tap(nodeId, now + TAP_MS);
    }
    return this.samples.list(nodeId);
  }

  onStatus(listener: StatusListener): () => void {
    return this.lifecycle.subscribe(listener);
  }

  /** Called with a snapshot's stats when it starts, progresses, completes or fails; returns an unsubscribe function. */
  onCheckpoint(listener: CheckpointListener): () => void {
    this.checkpointListeners.add(listener);
    return () => this.checkpointListeners.delete(listener);
  }

  /** A single run never restarts; the restart supervisor (restarting-job.ts) reports restarts. */
  onRestart(_listener: (e: RestartInfo) => void): () => void {
    return () => undefined;
  }

  triggerCheckpoint(): Promise<CompletedSnapshot> {
    return this.triggerSnapshot('checkpoint');
  }

  triggerSavepoint(): Promise<CompletedSnapshot> {
    return this.triggerSnapshot('savepoint');
  }

  /** Id of this run's first checkpoint (undefined without checkpoints or before they were set up). */
  get firstCheckpointId(): number | undefined {
    return this.coordinator?.firstId;
  }

  checkpoints(): CheckpointStats[] {
    return this.coordinator?.stats() ?? [];
  }

  /**
   * Stop with savepoint, drained as in Flink: every source emits the savepoint's barrier and then
   * nothing more; once the savepoint is durable (and sinks were told, so they commit the output
   * before it) the job stops. A job restored from the savepoint therefore neither repeats nor
   * skips a record. When the savepoint fails the sources resume, the job runs on, and this rejects.
   */
  async stopWithSavepoint(): Promise<CompletedSnapshot> {
    if (this.coordinator === undefined) throw new Error('checkpoints are disabled: start the job with checkpointDir');
    let savepoint: CompletedSnapshot;
    try {
      savepoint = await this.coordinator.trigger('savepoint', { drain: true, afterPending: true });
    } catch (e) {
      this.resumeSources();
      throw e;
    }
    await this.stop();
    return savepoint;
  }

  async stop(): Promise<void> {
    if (this.lifecycle.canTransition('stopping') && !this.stopRequested && this.failure === undefined) {
      this.stopRequested = true;
      this.lifecycle.transition('stopping');
      this.onStopRequested();
    }
    await this.done;
  }

  /**
   * The last step of every job: final metrics sample, then finished / stopped / failed in the
   * lifecycle, and `done` settles. Called once the tasks have ended.
   */
  protected settle(): void {
    this.registry.sample();
    this.registry.clearRates();
    let result: JobResult;
    if (this.failure !== undefined) {
      result = { status: 'failed', error: toErrorInfo(this.failure) };
      this.logger.error('job failed', { jobId: this.id, ...result.error });
    } else {
      result = { status: this.stopRequested ? 'stopped' : 'finished' };
      this.logger.info(`job ${result.status}`, { jobId: this.id });
    }
    this.lifecycle.transition(result.status, result.error);
    this.resolveDone(result);
  }

  /** Turns the live-preview tap of `nodeId` on in every subtask until `until` (epoch ms). */
  protected abstract tap(nodeId: string, until: number): void;
  /** Makes `c` this run's coordinator and forwards its stats updates to `onCheckpoint` listeners. */
  protected attachCoordinator(c: CheckpointCoordinator): CheckpointCoordinator {
    this.coordinator = c;
    c.onUpdate = (stats) => {
      for (const l of [...this.checkpointListeners]) {
        try {
          l(stats);
        } catch (e) {
          this.logger.warn('checkpoint listener threw', { jobId: this.id, error: String(e) });
        }
      }
    };
    return c;
  }

  /**
   * Deletes the disk state backend's folder once the tasks have ended (operators closed their
   * databases; after a failure a worker may not have, and the folder goes all the same).
   */
  protected async releaseState(): Promise<void> {
    if (this.stateBackend?.kind !== 'disk') return;
    try {
      await rm(this.stateBackend.dir, { recursive: true, force: true });
    } catch (e) {
      this.logger.warn('could not delete the disk state folder', { jobId: this.id, dir: this.stateBackend.dir, error: String(e) });
    }
  }

  /**
   * The final checkpoint of a bounded job whose tasks have all ended (FLIP-147): transactional
   * sinks publish their last output when it completes. Skipped after a failure or a stop; when it
   * fails, sinks publish at close as before (logged).
   */
  protected async finalCheckpoint(): Promise<void> {
    if (this.coordinator === undefined || this.failure !== undefined || this.stopRequested) return;
    try {
      await this.coordinator.trigger('checkpoint', { final: true });
    } catch (e) {
      this.logger.warn('the final checkpoint failed: sinks commit their last output at close', { jobId: this.id, error: String(e) });
    }
  }

  /** Sources parked at a failed stop-with-savepoint's barrier emit again. */
  protected abstract resumeSources(): void;

  /** Tells the running tasks to stop (wake sleeping sources, message the workers). */
  protected abstract onStopRequested(): void;

  private triggerSnapshot(kind: 'checkpoint' | 'savepoint'): Promise<CompletedSnapshot> {
    if (this.coordinator === undefined) return Promise.reject(new Error('checkpoints are disabled: start the job with checkpointDir'));
    return this.coordinator.trigger(kind);
  }
}
