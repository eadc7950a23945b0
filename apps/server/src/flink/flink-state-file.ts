import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import type { FlinkSqlPlan } from './plan-types.js';

/** File name inside the job's folder (`DATA_DIR/jobs/<id>/`). */
export const FLINK_STATE_FILE = 'flink.json';

/** What Riffle keeps about a job that runs on Flink, beside its `job.json`. */
export interface FlinkJobState {
  version: 1;
  /** The Flink job of the current (or last) run: a server restart re-attaches to it. */
  flinkJobId: string;
  /** The plan that run was submitted with (`GET /api/jobs/:id/plan`). */
  plan: FlinkSqlPlan;
  /** Snapshots Flink completed for this job: API id (`chk-<n>`, `sp-…`) → Flink's path, for restores. */
  snapshots: Record<string, string>;
  /**
   * Riffle ended this run (stop, stop with savepoint, the cancel before a restore) or saw it end:
   * the next start (a restore) submits anew. Without it the next start re-attaches (a server restart).
   */
  runOver?: boolean;
  /**
   * Set just before a submit: the unique `pipeline.name` the new Flink job gets. A server that
   * died between the submit and the write of the new job id finds the job by this name on its next
   * start and re-attaches to it instead of submitting a second one.
   */
  submitting?: string;
  /**
   * Where the run's rows begin in each preview topic (`plan.preview`; node id → offset), read
   * before the submit: a server that re-attaches reads the preview from there.
   */
  previewFrom?: Record<string, number>;
}

/** Reads the job's Flink state; undefined when it has none (never submitted) or it is unreadable. */
export async function readFlinkState(jobDir: string): Promise<FlinkJobState | undefined> {
  try {
    const s = JSON.parse(await readFile(join(jobDir, FLINK_STATE_FILE), 'utf8')) as FlinkJobState;
    return s?.version === 1 && typeof s.flinkJobId === 'string' && typeof s.plan === 'object' ? { ...s, snapshots: s.snapshots ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the file atomically (temp, fsync, rename), so a crash leaves the old or the new state. */
export async function writeFlinkState(jobDir: string, s: FlinkJobState): Promise<void> {
  await mkdir(jobDir, { recursive: true });
  await writeFileAtomic(join(jobDir, FLINK_STATE_FILE), JSON.stringify(s, null, 2) + '\n');
}
