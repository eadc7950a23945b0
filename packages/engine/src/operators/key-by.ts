import { ExpressionEvaluationError, type KeyByParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import { Operator, type OperatorContext } from '../operator.js';
import { ExpressionErrorPolicy, type WithErrorPolicy } from './error-policy.js';

/**
 * Computes each record's key once; the key travels with the record to the hash partitioner
 * (key → key group → subtask) and to the keyed operator after it, neither of which evaluates it
 * again. Keys must be strings, numbers or booleans; anything else, like a failing key expression,
 * goes to the `onError` policy.
 */
export class KeyByOperator extends Operator {
  private readonly key: Accessor;
  private readonly text: string;
  private readonly onError: ExpressionErrorPolicy;

  constructor(params: WithErrorPolicy<KeyByParams>, ctx: OperatorContext) {
    super();
    this.key = compileAccessor(params.key, ctx.inputSchema);
    this.text = params.key;
    this.onError = new ExpressionErrorPolicy(params.onError ?? 'dlq', ctx);
  }

  processElement(value: Row, timestamp: number): void {
    let key: unknown;
    try {
      key = this.key(value);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      this.onError.handle(value, e, this.text);
      return;
    }
    const t = typeof key;
    if (t === 'string' || t === 'number' || t === 'boolean') this.out.collect(value, timestamp, key);
    else this.onError.handle(value, new Error(key === undefined || key === null ? 'key is missing or null' : `key must be a string, number or bool, got ${JSON.stringify(key)}`), this.text);
  }
}
