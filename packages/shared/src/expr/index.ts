export {
  checkExpression,
  compileExpression,
  fromCel,
  isExpressionIdentifier,
  ExpressionEvaluationError,
  EXPRESSION_LIMITS,
} from './cel.js';
export type { CompiledExpression, CompileOptions, ExpressionCheck } from './cel.js';
