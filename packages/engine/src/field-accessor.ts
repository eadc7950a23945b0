import { compileExpression, type RecordSchema } from '@riffle/shared';
import type { Row } from './collector.js';

const FIELD_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether {@link compileAccessor} reads `text` as a plain field (a read that cannot fail), not as an expression. */
export function isPlainField(text: string): boolean {
  return FIELD_NAME_RE.test(text);
}

/** Reads one value from a record; throws `ExpressionEvaluationError` when an expression fails. */
export type Accessor = (record: Row) => unknown;

/**
 * Compiles a param that is "a field name or a CEL expression" (keyBy key, source timestamp,
 * aggregate field), once per operator instance. A bare identifier is read as a field directly
 * (the validator treats it the same way), which skips the CEL evaluator on the hot path;
 * a missing field reads as `undefined` and the caller decides what that means.
 */
export function compileAccessor(text: string, schema: RecordSchema): Accessor {
  if (isPlainField(text)) {
    return (record) => (Object.prototype.hasOwnProperty.call(record, text) ? record[text] : undefined);
  }
  const expr = compileExpression(text, schema);
  return (record) => expr.evaluate(record);
}
