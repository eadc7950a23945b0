import { compileExpression, ExpressionEvaluationError, type CompiledExpression, type MapParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { Operator, type OperatorContext } from '../operator.js';
import { copyRow } from './copy-row.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';

/**
 * Computes new fields from each record: a projection onto the computed fields, or, with
 * `keepInput`, a copy of the input with the computed fields added or overwritten. If any field's
 * expression fails the whole record goes to the `onError` policy (a half-computed record would be wrong).
 */
export class MapOperator extends Operator {
  private readonly names: string[];
  private readonly exprs: CompiledExpression[];
  private readonly texts: string[];
  private readonly onError: ExpressionErrorPolicy;
  private readonly keepInput: boolean;
  /** Reused per record: results are computed before the output object is built. */
  private readonly results: unknown[];

  constructor(params: WithErrorPolicy<MapParams>, ctx: OperatorContext) {
    super();
    this.names = params.fields.map((f) => f.as);
    this.exprs = params.fields.map((f) => compileExpression(f.expr, ctx.inputSchema));
    this.texts = params.fields.map((f) => `${f.as} = ${f.expr}`);
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
    this.keepInput = params.keepInput;
    this.results = new Array<unknown>(this.exprs.length);
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const exprs = this.exprs;
    const results = this.results;
    let i = 0;
    try {
      for (; i < exprs.length; i++) results[i] = exprs[i]!.evaluate(value);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      this.onError.handle(value, e, this.texts[i]!);
      return;
    }
    const out: Row = this.keepInput ? copyRow(value) : {};
    for (let i = 0; i < exprs.length; i++) out[this.names[i]!] = results[i];
    this.out.collect(out, timestamp, key);
  }
}
