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

  /**
   * Dead-letters, drops and counts, or throws {@link ExpressionFailedError}, per the policy.
   * `position` names what failed when the caller knows better than the input record's origin
   * (a window result); otherwise it is where the record entered the job, as far as the engine knows.
   */
  handle(record: Row, error: unknown, expression: string, position?: string): void {
    if (this.policy === 'dlq') return this.ctx.deadLetter(record, error);
    const counters = this.ctx.counters;
    if (this.policy === 'skip') {
      counters.skipped = (counters.skipped ?? 0) + 1;
      return;
    }
    throw new ExpressionFailedError(this.ctx.nodeId, expression, position ?? recordPosition(this.ctx), record, error);
  }
}

/**
 * Where the record being processed came from: its source position (Kafka topic, partition and
 * offset; file and line) while the source that read it is on the call stack (the operator is
 * chained to it), otherwise its count at this subtask. recordsIn already counts it (the chain
 * input counts before it delivers; a source's timestamp stage runs before its output counts);
 * counters start again at each (re)start, hence "since the job last started".
 */
function recordPosition(ctx: OperatorContext): string {
  const origin = ctx.recordOrigin?.();
  if (origin !== undefined) return origin;
  const n = ctx.counters.recordsIn > 0 ? ctx.counters.recordsIn : ctx.counters.recordsOut + 1;
  return `record ${n} of subtask ${ctx.subtaskIndex} (counted since the job last started)`;
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
