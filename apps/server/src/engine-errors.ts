import type { ErrorDomain, RiffleErrorInfo, SpecProblem } from '@riffle/shared';

const DOMAINS: ReadonlySet<string> = new Set<ErrorDomain>(['user', 'external', 'internal']);

/** Turns whatever `Engine.start` threw into a `RiffleErrorInfo`; unknown errors are internal. */
export function toErrorInfo(err: unknown): RiffleErrorInfo {
  const e = (err ?? {}) as Partial<RiffleErrorInfo> & { problems?: unknown };
  if (typeof e.code === 'string' && typeof e.message === 'string' && typeof e.domain === 'string' && DOMAINS.has(e.domain)) {
    return {
      code: e.code,
      message: e.message,
      domain: e.domain,
      retryable: e.retryable === true,
      ...(typeof e.nodeId === 'string' ? { nodeId: e.nodeId } : {}),
    };
  }
  const text = err instanceof Error ? err.message : String(err);
  return {
    code: 'engine_start_failed',
    message: `the engine could not start the job (${text}); see the server log, fix the cause and submit the job again`,
    domain: 'internal',
    retryable: false,
  };
}

/** Problems with JSON paths carried by the engine's `InvalidSpecError` (e.g. a kind it cannot run yet). */
export function specProblemsOf(err: unknown): SpecProblem[] | undefined {
  const problems = (err as { problems?: unknown } | null)?.problems;
  return Array.isArray(problems) ? (problems as SpecProblem[]) : undefined;
}
