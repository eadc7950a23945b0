import { FlinkRestError, type FlinkRest } from './flink-rest.js';

/** A checkpoint or savepoint operation Flink refused or that failed; the job runs on. */
export class FlinkSnapshotError extends Error {
  readonly domain = 'external' as const;
  readonly retryable = true;
  constructor(
    readonly code: 'checkpoint_failed' | 'savepoint_failed',
    message: string,
  ) {
    super(message);
  }
}

interface FailureCause {
  'stack-trace'?: string;
}

/** `GET …/:triggerid` of Flink's asynchronous operations. */
interface AsyncOperation {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  // Flink 2.2 spells the failure `failureCause` for checkpoints and `failure-cause` for savepoints.
  operation?: { checkpointId?: number; location?: string; 'failure-cause'?: FailureCause; failureCause?: FailureCause };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for one of Flink's asynchronous operations to end; resolves with its result. */
async function followTrigger(rest: FlinkRest, path: string, what: 'checkpoint' | 'savepoint', timeoutMs: number): Promise<NonNullable<AsyncOperation['operation']>> {
  const deadline = Date.now() + timeoutMs;
  const code = what === 'checkpoint' ? 'checkpoint_failed' : 'savepoint_failed';
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    let op: AsyncOperation;
    try {
      op = await rest.get<AsyncOperation>(path);
    } catch (err) {
      // A 5xx from the status read is Flink's REST layer, not the operation: ask again.
      if (!(err instanceof FlinkRestError && (err.status ?? 0) >= 500) || Date.now() > deadline) throw err;
      await sleep(wait);
      continue;
    }
    if (op.status.id === 'COMPLETED') {
      const cause = op.operation?.['failure-cause'] ?? op.operation?.failureCause;
      if (cause) {
        const trace = cause['stack-trace'] ?? '';
        const root = [...trace.matchAll(/Caused by: ([^\n]+)/g)].at(-1)?.[1] ?? trace.split('\n')[0]?.replace(/^java\.util\.concurrent\.CompletionException: /, '') ?? 'unknown cause';
        throw new FlinkSnapshotError(code, `Flink's ${what} failed: ${root.slice(0, 500)}`);
      }
      return op.operation ?? {};
    }
    if (Date.now() > deadline) throw new FlinkSnapshotError(code, `Flink's ${what} did not complete in ${Math.round(timeoutMs / 1000)} s; see the job's checkpoint list for its progress`);
    await sleep(wait);
  }
}

/**
 * Flink's checkpoint controls on one job (REST, Flink ≥ 1.19 for the manual checkpoint): each
 * triggers the operation, then follows its trigger id until Flink says how it ended.
 */
export class FlinkTriggers {
  constructor(
    private readonly rest: FlinkRest,
    private readonly jid: string,
    private readonly timeoutMs = 600_000,
  ) {}

  /** `POST /jobs/:jid/checkpoints`: a checkpoint of the configured kind now; resolves with its id. */
  async checkpoint(): Promise<number> {
    const { 'request-id': trigger } = await this.rest.post<{ 'request-id': string }>(`/jobs/${this.jid}/checkpoints`, { checkpointType: 'CONFIGURED' });
    const op = await followTrigger(this.rest, `/jobs/${this.jid}/checkpoints/${trigger}`, 'checkpoint', this.timeoutMs);
    if (typeof op.checkpointId !== 'number') throw new FlinkSnapshotError('checkpoint_failed', 'Flink completed the checkpoint without naming it');
    return op.checkpointId;
  }

  /** `POST /jobs/:jid/savepoints` into the cluster's `state.savepoints.dir`; resolves with its path. */
  savepoint(): Promise<string> {
    return this.savepointBy(`/jobs/${this.jid}/savepoints`, { 'cancel-job': false });
  }

  /**
   * `POST /jobs/:jid/stop`: stop with savepoint. Flink's sources stop after the savepoint's barrier
   * (no drain: windows keep their state for the restore) and the job ends FINISHED; resolves with the
   * savepoint's path.
   */
  stopWithSavepoint(): Promise<string> {
    return this.savepointBy(`/jobs/${this.jid}/stop`, { drain: false });
  }

  private async savepointBy(path: string, body: object): Promise<string> {
    const { 'request-id': trigger } = await this.rest.post<{ 'request-id': string }>(path, body);
    const op = await followTrigger(this.rest, `/jobs/${this.jid}/savepoints/${trigger}`, 'savepoint', this.timeoutMs);
    if (typeof op.location !== 'string') throw new FlinkSnapshotError('savepoint_failed', 'Flink completed the savepoint without a location');
    return op.location;
  }
}
