import { getOperator, type CheckpointInfo, type DeadLetter, type JobInfo, type JobMetrics, type JobSpec, type JobStatus, type JobTarget, type MetricsSummary, type RiffleErrorInfo } from '@riffle/shared';

export type { MetricsSummary };

/** What `DATA_DIR/jobs/<id>/job.json` holds. */
export interface JobRecord {
  /** Format of this file, for future migrations. */
  version: 1;
  id: string;
  name: string;
  spec: JobSpec;
  status: JobStatus;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  error?: RiffleErrorInfo;
  /** Last metrics sample of a job that ended, so lists after a restart still show totals. */
  metrics?: JobMetrics;
  /**
   * The snapshot the job was last restored from by a user (`from`), and the highest checkpoint
   * number on disk at that moment (`after`): a server restart resumes from the newest checkpoint
   * above `after`, else from `from`, never from a checkpoint of the abandoned timeline.
   */
  resume?: { from: string; after: number; allowNonRestoredState?: boolean };
  /** `flink` jobs: the Flink job of the current (or last) run. */
  flinkJobId?: string;
}

/** One entry of `GET /api/jobs`. */
export interface JobSummary {
  id: string;
  name: string;
  status: JobStatus;
  /** Where it runs. */
  target: JobTarget;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  error?: RiffleErrorInfo;
  metrics?: MetricsSummary;
  lastCheckpoint?: CheckpointInfo;
}

/** `GET /api/jobs/:id`: the job plus what its collect sinks hold and its recent dead letters. */
export interface JobDetails extends JobInfo {
  /** Latest records per `sink.collect` node id. */
  previews: Record<string, unknown[]>;
  deadLetters: DeadLetter[];
}

export function summarizeMetrics(m: JobMetrics): MetricsSummary {
  const s: MetricsSummary = { ts: m.ts, recordsIn: 0, recordsInPerSec: 0, recordsOut: 0, recordsOutPerSec: 0, deadLetters: m.deadLetters };
  for (const op of m.operators) {
    const category = getOperator(op.kind)?.category;
    if (category === 'source') {
      s.recordsIn += op.recordsOut;
      s.recordsInPerSec += op.recordsOutPerSec;
    } else if (category === 'sink') {
      s.recordsOut += op.recordsIn;
      s.recordsOutPerSec += op.recordsInPerSec;
    }
  }
  return s;
}

/** Ids of the `sink.collect` nodes, whose records the server previews. */
export function collectNodeIds(spec: JobSpec): string[] {
  return spec.nodes.filter((n) => n.kind === 'sink.collect').map((n) => n.id);
}

/** Copies the optional fields that are set, so JSON answers carry no `undefined` keys. */
export function pickTimes(r: Pick<JobRecord, 'startedAt' | 'endedAt' | 'error'>) {
  return {
    ...(r.startedAt === undefined ? {} : { startedAt: r.startedAt }),
    ...(r.endedAt === undefined ? {} : { endedAt: r.endedAt }),
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}
