import type { ErrorDomain, RiffleErrorInfo } from '@riffle/shared';

/** Body of every error answer of the REST API (STYLE.md habit 7). */
export interface ApiErrorBody {
  /** Stable code, e.g. `not_found`, `invalid_spec`, `payload_too_large`. */
  error: string;
  /** What went wrong and what to do next. */
  message: string;
  domain: ErrorDomain;
  retryable: boolean;
  nodeId?: string;
  [extra: string]: unknown;
}

const DOMAIN_STATUS: Record<ErrorDomain, number> = { user: 400, external: 502, internal: 500 };

/** An error a route throws; the error handler turns it into a JSON answer. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; domain?: ErrorDomain; retryable?: boolean; nodeId?: string; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    const domain = opts.domain ?? 'user';
    this.status = opts.status ?? DOMAIN_STATUS[domain];
    this.body = {
      error: code,
      message,
      domain,
      retryable: opts.retryable ?? false,
      ...(opts.nodeId === undefined ? {} : { nodeId: opts.nodeId }),
      ...opts.extra,
    };
  }

  /** An engine error (`RiffleErrorInfo`) as an HTTP answer; the status follows its domain. */
  static fromRiffle(info: RiffleErrorInfo, extra?: Record<string, unknown>): HttpError {
    return new HttpError(info.code, info.message, {
      domain: info.domain,
      retryable: info.retryable,
      ...(info.nodeId === undefined ? {} : { nodeId: info.nodeId }),
      ...(extra === undefined ? {} : { extra }),
    });
  }
}

export const notFound = (what: string) =>
  new HttpError('not_found', `${what} does not exist; list jobs with GET /api/jobs`, { status: 404 });

/**
 * Maps body-parser failures (which carry `type` and `status`) and anything unexpected to an
 * {@link HttpError}. Unexpected errors become a 500 without internals in the message.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: unknown; status?: unknown; message?: unknown } | null;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new HttpError('malformed_json', `the request body is not valid JSON (${String(e.message)}); send a JSON object`);
    case 'entity.too.large':
      return new HttpError('payload_too_large', 'the request body is larger than 1 MB; send a smaller spec', { status: 413 });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('unsupported_encoding', 'send the body as UTF-8 JSON without content encoding', { status: 415 });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError('bad_request', String(e.message ?? 'bad request'), { status: e.status });
  // Errors that say what they are (stable code, domain: e.g. Flink unreachable) keep their words;
  // the status follows the domain (502 for an external system).
  const known = err as { code?: unknown; domain?: unknown; retryable?: unknown; message?: unknown } | null;
  if (typeof known?.code === 'string' && (known.domain === 'external' || known.domain === 'user') && typeof known.message === 'string')
    return HttpError.fromRiffle({ code: known.code, message: known.message, domain: known.domain, retryable: known.retryable === true });
  return new HttpError('internal_error', 'the server failed to handle this request; see the server log and try again', {
    domain: 'internal',
    retryable: true,
  });
}
