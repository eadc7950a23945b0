import type { ErrorDomain } from '@riffle/shared';

/** How long one call to Flink may take before the cluster counts as unreachable. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * An answer from Flink (JobManager REST API or SQL Gateway) that is not a success, or no answer
 * at all. `code` is stable: `flink_unreachable` (connection refused, timeout), `flink_not_found`
 * (404: e.g. a job the cluster no longer knows), `flink_rest_error` (anything else).
 */
export class FlinkRestError extends Error {
  readonly domain: ErrorDomain = 'external';
  readonly retryable: boolean;
  constructor(
    readonly code: 'flink_unreachable' | 'flink_not_found' | 'flink_rest_error',
    message: string,
    readonly status?: number,
    /** Flink's whole error text (a Java stack trace), for finding the root cause. */
    readonly detail = '',
  ) {
    super(message);
    this.retryable = code === 'flink_unreachable';
  }
}

/**
 * A small JSON client for Flink's REST endpoints (the JobManager's and the SQL Gateway's share
 * one style: JSON bodies, `{errors: [...]}` on failure).
 * @example
 * const rest = new FlinkRest('http://127.0.0.1:8081');
 * const { jobs } = await rest.get<{ jobs: unknown[] }>('/jobs/overview');
 */
export class FlinkRest {
  constructor(readonly baseUrl: string) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  patch<T>(path: string): Promise<T> {
    return this.call<T>('PATCH', path);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl.replace(/\/$/, '')}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new FlinkRestError('flink_unreachable', `Flink at ${this.baseUrl} did not answer ${method} ${path} (${(err as Error).message}); check that the cluster runs`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      json = { errors: [text.slice(0, 500)] };
    }
    if (res.ok) return json as T;
    // Flink puts a Java stack trace in `errors`; its first line says what went wrong.
    const errors = ((json as { errors?: unknown[] }).errors ?? []).map(String);
    const first = errors.join('\n').split('\n').find((l) => l.trim() !== '' && !l.startsWith('org.apache.flink.runtime.rest.handler.RestHandlerException')) ?? `HTTP ${res.status}`;
    throw new FlinkRestError(res.status === 404 ? 'flink_not_found' : 'flink_rest_error', `Flink answered ${res.status} to ${method} ${path}: ${first.trim().slice(0, 1000)}`, res.status, errors.join('\n'));
  }
}
