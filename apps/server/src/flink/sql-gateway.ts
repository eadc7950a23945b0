import { FlinkRest, FlinkRestError } from './flink-rest.js';

/** One page of an operation's result, as the SQL Gateway's REST API answers it. */
interface ResultPage {
  resultType: 'NOT_READY' | 'PAYLOAD' | 'EOS';
  jobID?: string;
  nextResultUri?: string;
  results?: { data?: Array<{ fields: unknown[] }> };
}

/** A statement the gateway refused or that failed, with the statement's position in the plan. */
export class FlinkStatementError extends Error {
  readonly code = 'flink_statement_failed';
  readonly domain = 'external' as const;
  readonly retryable = false;
  constructor(
    message: string,
    readonly statement: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Quotes a value for a SQL string literal (`'` doubled), as in `SET 'key' = 'value'`. */
export const sqlString = (v: string) => `'${v.replaceAll("'", "''")}'`;

/**
 * Runs statements through the Flink SQL Gateway's REST endpoint (`/v1/sessions/...`): one session
 * per submission, statements in order, each awaited until its first result page says how it ended.
 * @example
 * const gw = new SqlGateway('http://127.0.0.1:8083');
 * const jobId = await gw.submit(['CREATE TEMPORARY TABLE ...'], 'EXECUTE STATEMENT SET BEGIN ... END');
 */
export class SqlGateway {
  private readonly rest: FlinkRest;

  constructor(
    baseUrl: string,
    private readonly statementTimeoutMs = 120_000,
  ) {
    this.rest = new FlinkRest(baseUrl);
  }

  /**
   * Opens a session, runs `setup` and then `insert` (whose result is the id of the job it
   * submitted), and closes the session; the job runs on in the cluster without it.
   */
  async submit(setup: string[], insert: string): Promise<string> {
    const { sessionHandle } = await this.rest.post<{ sessionHandle: string }>('/v1/sessions', {});
    const session = encodeURIComponent(sessionHandle);
    try {
      for (const statement of setup) await this.execute(session, statement);
      const page = await this.execute(session, insert);
      const jobId = page.jobID ?? page.results?.data?.[0]?.fields[0];
      if (typeof jobId !== 'string' || !/^[0-9a-f]{32}$/.test(jobId))
        throw new FlinkStatementError(`the Flink SQL Gateway ran the INSERT but named no job (${JSON.stringify(page).slice(0, 300)})`, insert);
      return jobId;
    } finally {
      // The submitted job does not belong to the session: closing it leaves the job running.
      await this.rest.delete(`/v1/sessions/${session}`).catch(() => undefined);
    }
  }

  /** Runs one statement and waits for its first result page (its outcome). */
  private async execute(session: string, statement: string): Promise<ResultPage> {
    const { operationHandle } = await this.rest.post<{ operationHandle: string }>(`/v1/sessions/${session}/statements`, { statement });
    const op = encodeURIComponent(operationHandle);
    const deadline = Date.now() + this.statementTimeoutMs;
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      let page: ResultPage;
      try {
        page = await this.rest.get<ResultPage>(`/v1/sessions/${session}/operations/${op}/result/0`);
      } catch (err) {
        if (err instanceof FlinkRestError && err.code !== 'flink_unreachable') throw new FlinkStatementError(`Flink refused a statement of the plan: ${rootCause(err.detail || err.message)}`, statement);
        throw err;
      }
      if (page.resultType !== 'NOT_READY') return page;
      if (Date.now() > deadline) throw new FlinkStatementError(`Flink did not finish a statement of the plan in ${this.statementTimeoutMs} ms`, statement);
      await sleep(wait);
    }
  }
}

/** The innermost `Caused by:` of a Java stack trace in the gateway's answer: the useful part. */
function rootCause(message: string): string {
  const causes = [...message.matchAll(/Caused by: ([^\n]+)/g)].map((m) => m[1]!);
  return (causes.at(-1) ?? message).slice(0, 1000);
}
