/**
 * Returned by a fast evaluator when this record is outside what it handles (a field missing or
 * of another runtime type, an integer result that might overflow, a division by zero, …). The
 * caller then evaluates the record with cel-js, which gives CEL's exact result or error: the fast
 * path never decides an error case itself, so its errors are cel-js's by construction.
 */
export const BAIL: unique symbol = Symbol('riffle.expr.bail');
