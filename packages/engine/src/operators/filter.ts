import { compileExpression, ExpressionEvaluationError, type CompiledExpression, type FilterParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext } from '../operator.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';

/** Keeps the records for which `expr` is true. A failing or non-boolean result goes to the `onError` policy. */
export class FilterOperator extends Operator {
  private readonly expr: CompiledExpression;
  private readonly text: string;
  private readonly onError: ExpressionErrorPolicy;

  constructor(params: WithErrorPolicy<FilterParams>, ctx: OperatorContext) {
    super();
    this.expr = compileExpression(params.expr, ctx.inputSchema);
    this.text = params.expr;
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    let keep: unknown;
    try {
      keep = this.expr.evaluate(value);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      this.onError.handle(value, e, this.text);
      return;
    }
    if (keep === true) this.out.collect(value, timestamp, key);
    else if (keep !== false) this.onError.handle(value, new Error(`filter expression returned ${JSON.stringify(keep)}, not a bool`), this.text);
  }
}
