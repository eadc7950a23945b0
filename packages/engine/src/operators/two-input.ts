import type { Row } from '../collector.js';
import { Operator } from '../operator.js';

/**
 * An operator with two inputs (ports `left` = 0 and `right` = 1), such as the joins. The runtime
 * sets {@link currentInput} before handing over each record (see `portRouter` in the task
 * builder), so records still arrive through the one `processElement` of the operator contract.
 * Watermarks are the minimum over both inputs, as the task's valve already combines every channel.
 */
export abstract class TwoInputOperator extends Operator {
  /** Port of the record being delivered: 0 = left, 1 = right. */
  currentInput = 0;

  processElement(value: Row, timestamp: number, key: unknown): void {
    if (this.currentInput === 0) this.processLeft(value, timestamp, key);
    else this.processRight(value, timestamp, key);
  }

  abstract processLeft(value: Row, timestamp: number, key: unknown): void;
  abstract processRight(value: Row, timestamp: number, key: unknown): void;
}
