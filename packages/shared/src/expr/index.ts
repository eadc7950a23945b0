export {
  checkExpression,
  compileExpression,
  fromCel,
  isExpressionIdentifier,
  ExpressionEvaluationError,
  EXPRESSION_LIMITS,
} from './cel.js';
export type { CompiledExpression, ExpressionCheck } from './cel.js';
