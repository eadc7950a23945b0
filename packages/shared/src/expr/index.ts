export {
  checkExpression,
  compileExpression,
  fromCel,
  isExpressionIdentifier,
  ExpressionEvaluationError,
  EXPRESSION_LIMITS,
  parseExpression,
} from './cel.js';
export { celToSql, sqlIdentifier, sqlString, type SqlExpression, type SqlField } from './sql.js';
export type { CompiledExpression, CompileOptions, ExpressionCheck } from './cel.js';
