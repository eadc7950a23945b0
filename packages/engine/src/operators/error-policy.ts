import { RiffleError, type OnErrorPolicy } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext } from '../operator.js';

/**
 * Params of an operator with an `onError` policy, as code may build them without the schema (tests,
 * embedders): the policy may be left out and means `dlq`, the schema's default.
 */
export type WithErrorPolicy<P extends { onError: OnErrorPolicy }> = Omit<P, 'onError'> & { onError?: OnErrorPolicy };

/** How much of the failing record a `fail` error quotes (the record itself may be megabytes). */
const RECORD_QUOTE_CHARS = 200;

/**
 * The job failed because a node with `onError: "fail"` could not evaluate its expression on a
 * record. Not retryable: the restarted job meets the same record again (it is replayed from the
 * last checkpoint), so the restart strategy's attempts run out and the job ends FAILED.
 */
export class ExpressionFailedError extends RiffleError {
  constructor(nodeId: string, expression: string, position: string, record: Row, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super({
      code: 'expression_failed',
      domain: 'user',
      retryable: false,
      nodeId,
      cause,
      message:
        `expression \`${expression}\` of node "${nodeId}" failed on ${position}: ${reason}; record ${quote(record)}. ` +
        'Fix the expression or the input, or set the node\'s onError to "dlq" or "skip" to keep the job running',
    });
  }
}

/**
 * Applies a node's `onError` policy to a record its expression failed on (T18). One instance per
 * operator subtask; the operator calls {@link handle} where it would otherwise dead-letter.
 *
 * @example
 * ```ts
 * this.onError = new ExpressionErrorPolicy(params.onError, ctx);
 * try { keep = expr.evaluate(value); } catch (e) { this.onError.handle(value, e, params.expr); return; }
 * ```
 */
export class ExpressionErrorPolicy {
  constructor(
    private readonly policy: OnErrorPolicy,
    private readonly ctx: OperatorContext,
  ) {}

  /** Dead-letters, drops and counts, or throws {@link ExpressionFailedError}, per the policy. */
  handle(record: Row, error: unknown, expression: string): void {
    if (this.policy === 'dlq') return this.ctx.deadLetter(record, error);
    const counters = this.ctx.counters;
    if (this.policy === 'skip') {
      counters.skipped = (counters.skipped ?? 0) + 1;
      return;
    }
    // recordsIn already counts this record (the chain input counts before it delivers). Counters
    // start again at each (re)start, so the position is relative to the run's restore point.
    const position = `input record ${counters.recordsIn} of subtask ${this.ctx.subtaskIndex} (counted since the job last started)`;
    throw new ExpressionFailedError(this.ctx.nodeId, expression, position, record, error);
  }
}

function quote(record: Row): string {
  let text: string;
  try {
    text = JSON.stringify(record) ?? String(record);
  } catch {
    text = String(record);
  }
  return text.length <= RECORD_QUOTE_CHARS ? text : `${text.slice(0, RECORD_QUOTE_CHARS)}… (${text.length} characters)`;
}
