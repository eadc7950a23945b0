import { compileExpression, ExpressionEvaluationError, type CompiledExpression, type FilterParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext } from '../operator.js';

/** Keeps the records for which `expr` is true. A failing or non-boolean result dead-letters the record. */
export class FilterOperator extends Operator {
  private readonly expr: CompiledExpression;

  constructor(params: FilterParams, ctx: OperatorContext) {
    super();
    this.expr = compileExpression(params.expr, ctx.inputSchema);
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    let keep: unknown;
    try {
      keep = this.expr.evaluate(value);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      this.ctx.deadLetter(value, e);
      return;
    }
    if (keep === true) this.out.collect(value, timestamp, key);
    else if (keep !== false) this.ctx.deadLetter(value, new Error(`filter expression returned ${JSON.stringify(keep)}, not a bool`));
  }
}
