import { ExpressionEvaluationError, type KeyByParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import { Operator, type OperatorContext } from '../operator.js';

/**
 * Computes each record's key once; the key travels with the record to the hash partitioner
 * (key → key group → subtask) and to the keyed operator after it, neither of which evaluates it
 * again. Keys must be strings, numbers or booleans; anything else is dead-lettered.
 */
export class KeyByOperator extends Operator {
  private readonly key: Accessor;

  constructor(params: KeyByParams, ctx: OperatorContext) {
    super();
    this.key = compileAccessor(params.key, ctx.inputSchema);
  }

  processElement(value: Row, timestamp: number): void {
    let key: unknown;
    try {
      key = this.key(value);
    } catch (e) {
      if (!(e instanceof ExpressionEvaluationError)) throw e;
      this.ctx.deadLetter(value, e);
      return;
    }
    const t = typeof key;
    if (t === 'string' || t === 'number' || t === 'boolean') this.out.collect(value, timestamp, key);
    else this.ctx.deadLetter(value, new Error(key === undefined || key === null ? 'key is missing or null' : `key must be a string, number or bool, got ${JSON.stringify(key)}`));
  }
}
