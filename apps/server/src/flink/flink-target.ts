import { randomUUID } from 'node:crypto';
import { kafkaEndOffsets, type EngineOptions, type JobHandle } from '@riffle/engine';
import { toJsonPath, type JobSpec, type SpecProblem } from '@riffle/shared';
import type { Logger } from '../logger.js';
import { FlinkJobHandle } from './flink-job-handle.js';
import { FlinkPreviews, preparePreviewTopics } from './flink-previews.js';
import type { EndOffsetsReader } from './flink-lag.js';
import { FlinkRest, FlinkRestError } from './flink-rest.js';
import { createPlanTables } from './flink-tables.js';
import { readFlinkState, writeFlinkState, type FlinkJobState } from './flink-state-file.js';
import type { FlinkCompiler, FlinkSqlPlan } from './plan-types.js';
import { SqlGateway, sqlString } from './sql-gateway.js';

export interface FlinkTargetOptions {
  /** The JobManager's REST API (`FLINK_REST_URL`). */
  restUrl: string;
  /** The SQL Gateway's REST endpoint (`FLINK_SQL_GATEWAY_URL`). */
  sqlGatewayUrl: string;
  compiler: FlinkCompiler;
  logger: Logger;
  /** How often a running job is read from Flink; default 1000 ms. */
  pollMs?: number;
  /** Reads a topic's log ends for the Kafka sources' lag; default: from the source's brokers, 3 s budget. */
  endOffsets?: EndOffsetsReader;
  /**
   * A Kafka cluster both Flink and the server reach (`FLINK_PREVIEW_BROKERS`): preview sinks then
   * write to a topic per job and node there, which the server reads for the preview.
   */
  previewBrokers?: string[];
}

/** The spec cannot run on Flink: the compiler's issues as spec problems (400 with JSON paths). */
export class FlinkCompileError extends Error {
  readonly code = 'flink_compile_failed';
  readonly domain = 'user' as const;
  readonly retryable = false;
  constructor(readonly problems: SpecProblem[]) {
    super(`the job cannot run on Flink: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/** A restore from a snapshot the job's Flink runs never completed (404, as for embedded jobs). */
class FlinkSnapshotNotFound extends Error {
  readonly code = 'snapshot_not_found';
  readonly domain = 'user' as const;
  readonly retryable = false;
}

/**
 * Runs jobs whose `config.target` is `flink` on a Flink session cluster: compiles the spec to a
 * {@link FlinkSqlPlan}, submits it through the SQL Gateway, and hands back a {@link FlinkJobHandle}.
 * What a run needs later (the Flink job id, the plan, the paths of its snapshots) is kept in
 * `flink.json` in the job's folder, so after a server restart {@link start} re-attaches to the
 * Flink job instead of submitting it again.
 * @example
 * const flink = new FlinkTarget({ restUrl, sqlGatewayUrl, compiler, logger });
 * const handle = await flink.start(spec, { jobId, checkpointDir: jobDir });
 */
export class FlinkTarget {
  readonly rest: FlinkRest;
  private readonly gateway: SqlGateway;
  /** Riffle job id → its newest run: only that run's end deletes the job's preview topics. */
  private readonly currentRun = new Map<string, symbol>();

  constructor(private readonly o: FlinkTargetOptions) {
    this.rest = new FlinkRest(o.restUrl);
    this.gateway = new SqlGateway(o.sqlGatewayUrl);
  }

  /**
   * The job manager's `StartJob` for `flink` jobs. With a Flink run on record that Riffle did not
   * end (the server restarted) it re-attaches; otherwise (a restore after Riffle ended the run, or a
   * run the cluster lost) it submits the plan, from `restoreFrom` when that names a snapshot, or for
   * `latest` from the newest checkpoint Flink completed for the job.
   */
  async start(spec: JobSpec, opts: EngineOptions): Promise<JobHandle> {
    const jobId = opts.jobId!;
    const jobDir = opts.checkpointDir!;
    const prev = await readFlinkState(jobDir);
    // A run Riffle did not end (a server restart) is re-attached to: still running, or ended on
    // its own meanwhile (reported as it ended), or behind an unreachable cluster (read once Flink
    // answers, rather than failing for good because Flink was down when the server started).
    if (prev && !prev.runOver) {
      const state = await this.stateOf(prev.flinkJobId);
      if (state !== undefined) {
        this.o.logger.info({ jobId, flinkJobId: prev.flinkJobId, state }, 're-attached to the Flink job');
        return this.handle(jobId, spec, jobDir, prev);
      }
    }
    // The server died during a submit: the Flink job it may have started is found by its name.
    if (prev?.submitting !== undefined) {
      const found = await this.jobNamed(prev.submitting);
      if (found !== undefined) {
        const adopted: FlinkJobState = { version: 1, flinkJobId: found, plan: prev.plan, snapshots: prev.snapshots, ...(prev.previewFrom ? { previewFrom: prev.previewFrom } : {}) };
        await writeFlinkState(jobDir, adopted);
        this.o.logger.info({ jobId, flinkJobId: found }, 're-attached to the Flink job submitted before the server stopped');
        return this.handle(jobId, spec, jobDir, adopted);
      }
    }
    const from = this.restorePath(prev, opts.restoreFrom);
    const preview = this.o.previewBrokers === undefined ? {} : { preview: { brokers: this.o.previewBrokers, jobId } };
    const compiled = this.o.compiler(spec, { jobName: spec.name, ...(opts.baseDir === undefined ? {} : { baseDir: opts.baseDir }), ...preview });
    if (!compiled.ok) {
      throw new FlinkCompileError(
        compiled.issues.map((i) => ({
          path: toJsonPath(i.path),
          message: i.message,
          // The HTTP answer carries codes as strings; the compiler's are its own (`flink_…`).
          code: i.code as SpecProblem['code'],
          ...(i.nodeId === undefined ? {} : { nodeId: i.nodeId }),
        })),
      );
    }
    const plan = compiled.plan;
    await createPlanTables(spec, plan);
    // From here on this run owns the preview topics (an older run's late end leaves them alone).
    this.currentRun.set(jobId, Symbol(jobId));
    const previewFrom = plan.preview ? { previewFrom: await preparePreviewTopics(plan.preview) } : {};
    const snapshots = prev?.snapshots ?? {};
    // A name no other Flink job has, written down before the submit (see FlinkJobState.submitting).
    const pipelineName = `${spec.name} [riffle ${jobId} ${randomUUID().slice(0, 8)}]`;
    await writeFlinkState(jobDir, { version: 1, flinkJobId: prev?.flinkJobId ?? '', plan, snapshots, runOver: true, submitting: pipelineName, ...previewFrom });
    const settings = [...plan.setup, ...this.operatingSettings(), `SET 'pipeline.name' = ${sqlString(pipelineName)}`];
    const flinkJobId = await this.gateway.submit([...settings, ...(from ? [`SET 'execution.savepoint.path' = ${sqlString(from.path)}`] : [])], plan.insert);
    const state: FlinkJobState = { version: 1, flinkJobId, plan, snapshots, ...previewFrom };
    await writeFlinkState(jobDir, state);
    this.o.logger.info({ jobId, flinkJobId, from: from?.id }, 'submitted the job to Flink');
    return this.handle(jobId, spec, jobDir, state, from ? { snapshotId: from.id, skipped: [] } : undefined);
  }

  /** Whether preview sinks show records (the server has a Kafka cluster for previews). */
  get previews(): boolean {
    return this.o.previewBrokers !== undefined;
  }

  /** The plan of the job's current (or last) Flink run; undefined when it never ran on Flink. */
  async planOf(jobDir: string): Promise<(FlinkSqlPlan & { flinkJobId: string }) | undefined> {
    const s = await readFlinkState(jobDir);
    return s && { ...s.plan, flinkJobId: s.flinkJobId };
  }

  /** Snapshots Flink completed for the job (API id → path). */
  async snapshotsOf(jobDir: string): Promise<Record<string, string>> {
    return (await readFlinkState(jobDir))?.snapshots ?? {};
  }

  /**
   * Settings the server owns: checkpoints outlive a cancel, so a restore can use them. (How many
   * Flink keeps, `execution.checkpointing.num-retained`, is the cluster's setting: the JobManager
   * reads it from its own configuration, not from the job's.)
   */
  private operatingSettings(): string[] {
    return ["SET 'execution.checkpointing.externalized-checkpoint-retention' = 'RETAIN_ON_CANCELLATION'"];
  }

  private restorePath(prev: FlinkJobState | undefined, restoreFrom: string | undefined): { id: string; path: string } | undefined {
    if (restoreFrom === undefined) return undefined;
    const snapshots = prev?.snapshots ?? {};
    if (restoreFrom === 'latest') {
      const newest = Object.keys(snapshots)
        .filter((id) => /^chk-\d+$/.test(id))
        .sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)))[0];
      return newest === undefined ? undefined : { id: newest, path: snapshots[newest]! };
    }
    const path = snapshots[restoreFrom];
    if (path === undefined) throw new FlinkSnapshotNotFound(`snapshot ${restoreFrom} is not one Flink completed for this job; pick one from GET /api/jobs/:id/checkpoints`);
    return { id: restoreFrom, path };
  }

  /** The id of the Flink job named `name` that has not failed or been cancelled, if the cluster has one. */
  private async jobNamed(name: string): Promise<string | undefined> {
    const { jobs } = await this.rest.get<{ jobs: Array<{ jid: string; name: string; state: string }> }>('/jobs/overview');
    return jobs.find((j) => j.name === name && j.state !== 'FAILED' && j.state !== 'CANCELED')?.jid;
  }

  /** Flink's state of a job; undefined when the cluster does not know it. */
  private async stateOf(flinkJobId: string): Promise<string | undefined> {
    try {
      return (await this.rest.get<{ state: string }>(`/jobs/${flinkJobId}`)).state;
    } catch (err) {
      if (err instanceof FlinkRestError && err.code === 'flink_not_found') return undefined;
      if (err instanceof FlinkRestError && err.code === 'flink_unreachable') return 'unreachable';
      throw err;
    }
  }

  private async handle(jobId: string, spec: JobSpec, jobDir: string, state: FlinkJobState, restored?: { snapshotId: string; skipped: [] }): Promise<FlinkJobHandle> {
    const log = this.o.logger.child({ jobId, flinkJobId: state.flinkJobId });
    const previews = this.previewsOf(jobId, state, (msg, err) => log.warn({ err: String(err) }, msg));
    // Writes of the state file are chained, so a slow older one never lands after a newer one.
    let saving = Promise.resolve();
    const save = () => (saving = saving.then(() => writeFlinkState(jobDir, state)).catch((err: unknown) => log.warn({ err: String(err) }, 'could not save the Flink job state')));
    const h = new FlinkJobHandle({
      id: jobId,
      spec,
      flinkJobId: state.flinkJobId,
      plan: state.plan,
      rest: this.rest,
      ...(this.o.pollMs === undefined ? {} : { pollMs: this.o.pollMs }),
      ...(restored ? { restored } : {}),
      endOffsets: this.o.endOffsets ?? ((brokers, topic) => kafkaEndOffsets(brokers, topic, { timeoutMs: 3000 })),
      onSnapshots: (found, discarded) => {
        Object.assign(state.snapshots, found);
        for (const id of discarded) delete state.snapshots[id];
        return save();
      },
      onRunOver: (over) => {
        if (over === (state.runOver === true)) return saving;
        if (over) state.runOver = true;
        else delete state.runOver;
        return save();
      },
      ...(previews ? { previews } : {}),
      warn: (msg, err) => log.warn({ err: String(err) }, msg),
    });
    await h.start();
    return h;
  }

  /** The run's preview reader, when its plan writes previews to Kafka; the run becomes the job's current one. */
  private previewsOf(jobId: string, state: FlinkJobState, warn: (msg: string, err: unknown) => void): FlinkPreviews | undefined {
    const run = this.currentRun.get(jobId) ?? Symbol(jobId);
    this.currentRun.set(jobId, run);
    if (state.plan.preview === undefined) return undefined;
    return new FlinkPreviews(state.plan.preview, state.previewFrom ?? {}, { isCurrent: () => this.currentRun.get(jobId) === run, warn });
  }
}
