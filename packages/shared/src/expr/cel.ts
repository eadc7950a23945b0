import { Environment } from '@marcbachmann/cel-js';
import type { FieldType, RecordSchema } from '../fields.js';
import { findAstProblem, ITER_FN, RE2_MATCHES_FN, rewriteForEvaluation } from './ast-guard.js';
import { BAIL, compileFastPath } from './fast-path.js';
import { findInputProblem } from './input-size.js';
import { re2Matches } from './regex.js';

/**
 * Limits on user expressions. The structural ones are enforced at parse time; the per-record
 * ones bound what one evaluation may cost (a record over them goes to the dead-letter output).
 */
export const EXPRESSION_LIMITS = {
  maxLength: 4096,
  maxAstNodes: 2000,
  maxDepth: 64,
  maxListElements: 1000,
  maxMapEntries: 1000,
  maxCallArguments: 16,
  /** A string field (or result) longer than this is not evaluated. */
  maxInputStringLength: 1024 * 1024,
  /** List elements plus map entries, counted through nesting, over the fields an expression reads. */
  maxInputElements: 10_000,
  /** Iterations of all comprehensions (`map`, `filter`, `all`, `exists`, …) in one evaluation. */
  maxComprehensionIterations: 20_000,
} as const;

/** The input caps as the fast path applies them (a record over them goes to cel-js, which refuses it). */
export const FAST_PATH_LIMITS = {
  maxString: EXPRESSION_LIMITS.maxInputStringLength,
  maxElements: EXPRESSION_LIMITS.maxInputElements,
} as const;

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a field name can be referenced as a variable in an expression. */
export function isExpressionIdentifier(name: string): boolean {
  return IDENT_RE.test(name) && !CEL_RESERVED.has(name) && !name.startsWith('__');
}

function toCelType(t: FieldType): string {
  return t;
}

function fromCelType(t: string): FieldType {
  if (t === 'int' || t === 'uint') return 'int';
  if (t === 'double' || t === 'string' || t === 'bool') return t;
  if (t.startsWith('list')) return 'list';
  if (t.startsWith('map')) return 'map';
  return 'dyn';
}

type Arith = (a: number, b: number) => number;
const MIXED_OPS: Array<[string, Arith]> = [
  ['+', (a, b) => a + b],
  ['-', (a, b) => a - b],
  ['*', (a, b) => a * b],
  ['/', (a, b) => a / b],
];

/**
 * Strict CEL has no `double * int`; users of a pipeline builder write `price * 2` and expect a
 * double, so mixed int/double arithmetic is defined here and yields a double.
 */
function registerMixedArithmetic(env: Environment): void {
  for (const [op, fn] of MIXED_OPS) {
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, Number(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(Number(a), b));
  }
}

/** Iterations left for the evaluation in progress (evaluation is synchronous, so one counter per expression). */
interface Budget {
  iterations: number;
}

function sizeOf(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  return v !== null && typeof v === 'object' ? Object.keys(v).length : 0;
}

/**
 * `matches` runs on RE2 (linear time) and every comprehension's range is charged to the budget:
 * CEL always terminates, but nested comprehensions multiply, so a cap keeps one record cheap.
 */
function registerGuards(env: Environment, budget: Budget): void {
  env.registerFunction(`string.${RE2_MATCHES_FN}(string): bool`, (s: string, p: string) => re2Matches(s, p));
  const charge = <T>(range: T): T => {
    budget.iterations -= sizeOf(range);
    if (budget.iterations < 0)
      throw new Error(`the expression iterates more than ${EXPRESSION_LIMITS.maxComprehensionIterations} times for this record (nested map/filter/exists over large lists)`);
    return range;
  };
  env.registerFunction(`${ITER_FN}(list<T>): list<T>`, charge);
  env.registerFunction(`${ITER_FN}(map<K, V>): map<K, V>`, charge);
}

function makeEnvironment(schema: RecordSchema, budget: Budget = { iterations: 0 }): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: schema.open,
    homogeneousAggregateLiterals: false,
    limits: {
      maxAstNodes: EXPRESSION_LIMITS.maxAstNodes,
      maxDepth: EXPRESSION_LIMITS.maxDepth,
      maxListElements: EXPRESSION_LIMITS.maxListElements,
      maxMapEntries: EXPRESSION_LIMITS.maxMapEntries,
      maxCallArguments: EXPRESSION_LIMITS.maxCallArguments,
    },
  });
  registerMixedArithmetic(env);
  registerGuards(env, budget);
  for (const f of schema.fields) {
    if (isExpressionIdentifier(f.name)) env.registerVariable(f.name, toCelType(f.type));
  }
  return env;
}

export interface ExpressionCheck {
  valid: boolean;
  /** The result type when valid. */
  type?: FieldType;
  /** A one-line reason when invalid. */
  message?: string;
  /** Character offsets of the problem in the expression text, when known. */
  range?: { start: number; end: number };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/**
 * Type-checks a CEL expression against the fields of the input records. Never evaluates it.
 * @example checkExpression('price > 10.0', schema) // { valid: true, type: 'bool' }
 */
export function checkExpression(expr: string, schema: RecordSchema): ExpressionCheck {
  if (typeof expr !== 'string' || expr.trim() === '') return { valid: false, message: 'expression is empty' };
  if (expr.length > EXPRESSION_LIMITS.maxLength) {
    return { valid: false, message: `expression is longer than ${EXPRESSION_LIMITS.maxLength} characters` };
  }
  try {
    const env = makeEnvironment(schema);
    const result = env.check(expr);
    if (result.valid) {
      const problem = findAstProblem((env.parse(expr) as unknown as { ast: unknown }).ast);
      if (problem) return { valid: false, ...problem };
      return { valid: true, type: fromCelType(String(result.type)) };
    }
    const err = result.error as { message: string; range?: { start: number; end: number } } | undefined;
    return {
      valid: false,
      message: firstLine(err?.message ?? 'invalid expression'),
      ...(err?.range ? { range: err.range } : {}),
    };
  } catch (e) {
    const err = e as { message?: string; range?: { start: number; end: number } };
    return {
      valid: false,
      message: firstLine(err.message ?? String(e)),
      ...(err.range ? { range: err.range } : {}),
    };
  }
}

/** Raised when evaluating an expression on one record fails; the record goes to the dead-letter output. */
export class ExpressionEvaluationError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

type CelFn = (ctx: Record<string, unknown>) => unknown;

interface AstNode {
  op: string;
  args: unknown;
}

function collectIdentifiers(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectIdentifiers(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.op === 'id' && typeof n.args === 'string') {
    out.add(n.args);
    return;
  }
  collectIdentifiers(n.args, out);
}

/**
 * Refuses oversized input before evaluating: long strings (anywhere in the value) and more than
 * `maxInputElements` list elements and map entries across the fields the expression reads.
 */
function checkInputSize(field: string, value: unknown, left: { elements: number }): void {
  const problem = findInputProblem(value, left, EXPRESSION_LIMITS.maxInputStringLength);
  if (problem === 'string')
    throw new Error(`field ${field} holds a string longer than ${EXPRESSION_LIMITS.maxInputStringLength} characters; it is not evaluated`);
  if (problem === 'elements')
    throw new Error(`the fields this expression reads hold more than ${EXPRESSION_LIMITS.maxInputElements} list elements and map entries; the record is not evaluated`);
}

/** Converts a JS value from a record into CEL's representation (integers are BigInt there). */
function toCel(value: unknown, type: FieldType): unknown {
  switch (type) {
    case 'int':
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw new TypeError(`expected an integer, got ${value}`);
        return BigInt(value);
      }
      return value;
    case 'double':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'string':
    case 'bool':
      return value;
    default:
      return deepToCel(value);
  }
}

function deepToCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(deepToCel);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(value)) out[k] = deepToCel((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** `out[key] = value`, except that a `__proto__` key stays data instead of replacing the prototype. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Converts a CEL result back into plain JSON-friendly JS values (BigInt → number). */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, String(k), fromCel(v));
    return out;
  }
  if (value instanceof Date) return value.getTime();
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) setOwn(out, k, fromCel((value as Record<string, unknown>)[k]));
    return out;
  }
  return value;
}

/** An expression compiled once per operator instance, evaluated per record. */
export interface CompiledExpression {
  readonly source: string;
  readonly type: FieldType;
  /** Evaluates against one record; throws {@link ExpressionEvaluationError} on failure. */
  evaluate(record: Record<string, unknown>): unknown;
}

/** Options of {@link compileExpression}. */
export interface CompileOptions {
  /**
   * Always evaluate with cel-js, never the closure fast path (tests and benchmarks compare the two).
   */
  interpretOnly?: boolean;
}

/**
 * Compiles a CEL expression for repeated evaluation against records of the given schema.
 * Throws an Error with the checker's message when the expression is invalid. Common shapes
 * (scalar fields and literals, comparisons, boolean logic, arithmetic) evaluate through a tree of
 * closures built from the checked AST; a record that path does not handle, and every other
 * expression, is evaluated by cel-js, so results and errors are cel-js's.
 * @example
 * const isPurchase = compileExpression("event_type == 'purchase'", schema);
 * isPurchase.evaluate(record) // true
 */
/**
 * The checked expression's syntax tree (cel-js's `{op, args}` nodes), for translators that read it
 * (the Flink SQL compiler). Throws on an invalid expression, with the checker's message.
 */
export function parseExpression(expr: string, schema: RecordSchema): unknown {
  const check = checkExpression(expr, schema);
  if (!check.valid) throw new Error(`invalid expression "${expr}": ${check.message}`);
  return (makeEnvironment(schema).parse(expr) as unknown as { ast: unknown }).ast;
}

export function compileExpression(expr: string, schema: RecordSchema, options: CompileOptions = {}): CompiledExpression {
  const check = checkExpression(expr, schema);
  if (!check.valid) throw new Error(`invalid expression "${expr}": ${check.message}`);
  const budget: Budget = { iterations: 0 };
  const env = makeEnvironment(schema, budget);
  const original = (env.parse(expr) as unknown as { ast: unknown }).ast;
  const fn = env.parse(rewriteForEvaluation(original) ?? expr) as unknown as CelFn & { ast: unknown };
  const ids = new Set<string>();
  collectIdentifiers(fn.ast, ids);
  const declared = new Map(schema.fields.map((f) => [f.name, f.type] as const));
  // Variables the expression reads, with the representation each needs.
  const vars: Array<[string, FieldType]> = [];
  for (const id of ids) {
    const t = declared.get(id) ?? (schema.open ? 'dyn' : undefined);
    if (t !== undefined && isExpressionIdentifier(id)) vars.push([id, t]);
  }
  const resultType = check.type ?? 'dyn';
  const convertResult = resultType !== 'string' && resultType !== 'bool';
  const interpret = (record: Record<string, unknown>): unknown => {
    // A fresh null-prototype context holds only the record's own fields the expression names,
    // so nothing on Object.prototype is ever visible to the expression.
    const ctx: Record<string, unknown> = Object.create(null);
    try {
      const input = { elements: EXPRESSION_LIMITS.maxInputElements };
      for (let i = 0; i < vars.length; i++) {
        const [name, type] = vars[i]!;
        if (Object.prototype.hasOwnProperty.call(record, name)) {
          const v = record[name];
          checkInputSize(name, v, input);
          ctx[name] = v === undefined ? null : toCel(v, type);
        }
      }
      budget.iterations = EXPRESSION_LIMITS.maxComprehensionIterations;
      const out = fn(ctx);
      if (typeof out === 'string' && out.length > EXPRESSION_LIMITS.maxInputStringLength)
        throw new Error(`the result is a string longer than ${EXPRESSION_LIMITS.maxInputStringLength} characters`);
      return convertResult ? fromCel(out) : out;
    } catch (e) {
      throw new ExpressionEvaluationError(firstLine((e as Error).message ?? String(e)), expr);
    }
  };
  // From the checked AST: the evaluation rewrite only touched calls, which never take the fast path.
  const fast = options.interpretOnly ? undefined : compileFastPath(original, new Map(vars), FAST_PATH_LIMITS);
  const evaluate =
    fast === undefined
      ? interpret
      : (record: Record<string, unknown>): unknown => {
          let v: unknown;
          try {
            v = fast(record);
          } catch {
            // Only a record's own accessor can throw here; cel-js reports it as an evaluation error.
            v = BAIL;
          }
          return v === BAIL ? interpret(record) : v;
        };
  return { source: expr, type: resultType, evaluate };
}
