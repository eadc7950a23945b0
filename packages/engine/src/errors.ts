import { RiffleError, type RiffleErrorInfo, type SpecProblem } from '@riffle/shared';

/**
 * Thrown by `Engine.start` for a spec that does not validate. `problems` lists every problem with
 * its JSON path, exactly as `validateSpec(spec).errors` returns them.
 */
export class InvalidSpecError extends RiffleError {
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[]) {
    const first = problems[0];
    super({
      code: 'invalid_spec',
      domain: 'user',
      retryable: false,
      message: `invalid job spec (${problems.length} problem${problems.length === 1 ? '' : 's'})${first ? `: ${first.path}: ${first.message}` : ''}`,
    });
    this.problems = problems;
  }
}

/** An exception raised by an operator at runtime (not a per-record expression error). */
export class OperatorFailure extends RiffleError {
  constructor(nodeId: string, cause: unknown) {
    super({ ...describe(cause), nodeId, cause });
    this.message = `operator "${nodeId}" failed: ${this.message}`;
  }
}

function describe(cause: unknown): Omit<RiffleErrorInfo, 'nodeId'> {
  if (cause instanceof RiffleError) return { code: cause.code, domain: cause.domain, retryable: cause.retryable, message: cause.message };
  const err = cause as NodeJS.ErrnoException | undefined;
  const message = err instanceof Error ? err.message : String(cause);
  // File-system problems are usually a wrong path in the spec: say so, and that a retry won't help.
  if (err?.code === 'ENOENT') return { code: 'file_not_found', domain: 'user', retryable: false, message };
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return { code: 'file_access_denied', domain: 'external', retryable: false, message };
  if (typeof err?.code === 'string' && err.code.startsWith('E')) return { code: 'io_error', domain: 'external', retryable: true, message };
  return { code: 'operator_failed', domain: 'internal', retryable: false, message };
}

/** Attributes an exception to the operator it escaped from, unless it already is attributed. */
export function attribute(nodeId: string, e: unknown): OperatorFailure {
  return e instanceof OperatorFailure ? e : new OperatorFailure(nodeId, e);
}

/** The JSON form of any error, for `JobResult.error`. */
export function toErrorInfo(e: unknown): RiffleErrorInfo {
  if (e instanceof RiffleError) return e.toJSON();
  return { code: 'internal', domain: 'internal', retryable: false, message: e instanceof Error ? e.message : String(e) };
}

/** The message of any thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
