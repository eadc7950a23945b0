import type { JobStatus } from '@riffle/shared';

/** Flink's job states (`JobStatus` in flink-core), as `GET /jobs/:jid` reports them in `state`. */
export type FlinkJobState =
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

/** What Riffle did to the Flink job, which decides how its end reads. */
export interface StopIntent {
  /** The user stopped it (cancel, or stop with savepoint). */
  stopping?: boolean;
}

/**
 * Riffle's status for a Flink job state. A job is `running` only once every vertex runs (or has
 * finished): Flink says RUNNING while tasks are still being deployed, and a checkpoint triggered
 * then is declined. A job that ends FINISHED after Riffle stopped it with a savepoint (Flink's
 * `stop` ends the job FINISHED) is `stopped`, as is a cancelled one; a job Flink cancelled on
 * its own is still `stopped` (there is no better word in Riffle's lifecycle).
 * @example
 * riffleStatus('RUNNING', ['RUNNING', 'DEPLOYING']) // 'created'
 */
export function riffleStatus(state: string, vertexStates: readonly string[] = [], intent: StopIntent = {}): JobStatus {
  switch (state as FlinkJobState) {
    case 'INITIALIZING':
    case 'CREATED':
      return 'created';
    case 'RUNNING':
      if (intent.stopping) return 'stopping';
      return vertexStates.every((v) => v === 'RUNNING' || v === 'FINISHED') ? 'running' : 'created';
    case 'FAILING':
    case 'RESTARTING':
    case 'RECONCILING':
      return 'restarting';
    case 'CANCELLING':
      return 'stopping';
    case 'CANCELED':
      return 'stopped';
    case 'FINISHED':
      return intent.stopping ? 'stopped' : 'finished';
    case 'FAILED':
    case 'SUSPENDED':
      return 'failed';
    default:
      // A state a later Flink adds: keep showing the job rather than guessing an end.
      return 'running';
  }
}

/** Flink states after which the job never runs again. */
export const FLINK_TERMINAL: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED']);
