import { serialize } from '@marcbachmann/cel-js';
import { compileRegex } from './regex.js';

/** The name `matches` calls are rewritten to; registered with the linear-time implementation. */
export const RE2_MATCHES_FN = '__riffle_re2_matches';
/** Wraps every comprehension's range so its size is charged to the per-record budget. */
export const ITER_FN = '__riffle_iter';

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/**
 * Names that mean something to JavaScript objects. CEL never reaches them (records are copied into
 * null-prototype objects), but refusing them up front turns a probe into a clear validation error.
 */
const JS_INTERNAL_NAMES = new Set(['constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

function internalName(n: Node): string | undefined {
  const a = n.args as unknown[];
  let name: unknown;
  if (n.op === 'id') name = n.args;
  else if (n.op === '.' || n.op === '.?') name = a[1];
  else if ((n.op === '[]' || n.op === '[?]') && isNode(a[1]) && a[1].op === 'value') name = a[1].args;
  else if (n.op === 'map') name = (a as Array<[Node, Node]>).map(([k]) => (k.op === 'value' ? k.args : undefined)).find((k) => JS_INTERNAL_NAMES.has(k as string));
  return typeof name === 'string' && JS_INTERNAL_NAMES.has(name) ? name : undefined;
}

interface Node {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
}

export interface AstProblem {
  message: string;
  range?: { start: number; end: number };
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as Node).op === 'string';
}

function walk(v: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, visit);
    return;
  }
  if (!isNode(v)) return;
  visit(v);
  walk(v.args, visit);
}

function rangeOf(n: Node): { range: { start: number; end: number } } | Record<string, never> {
  return typeof n.start === 'number' && typeof n.end === 'number' ? { range: { start: n.start, end: n.end } } : {};
}

/**
 * Checks what the type checker does not: JavaScript-internal names are refused, `cel.bind` is refused (binding a value and doubling it
 * in a chain grows a list or string exponentially), and a literal `matches` pattern must compile
 * with RE2. Dynamic patterns are checked per record.
 */
export function findAstProblem(ast: unknown): AstProblem | undefined {
  let problem: AstProblem | undefined;
  walk(ast, (n) => {
    if (problem) return;
    const internal = internalName(n);
    if (internal) {
      problem = { message: `'${internal}' is a JavaScript-internal name and cannot be used in an expression; rename the field`, ...rangeOf(n) };
      return;
    }
    if (n.op !== 'rcall' || !Array.isArray(n.args)) return;
    const [name, receiver, args] = n.args as [string, Node, Node[]];
    if (name === 'bind' && isNode(receiver) && receiver.op === 'id' && receiver.args === 'cel') {
      problem = { message: 'cel.bind() is not supported in Riffle expressions; repeat the sub-expression instead', ...rangeOf(n) };
    } else if (name === 'matches' && args.length === 1 && args[0]!.op === 'value' && typeof args[0]!.args === 'string') {
      try {
        compileRegex(args[0]!.args);
      } catch (e) {
        problem = { message: (e as Error).message, ...rangeOf(args[0]!) };
      }
    }
  });
  return problem;
}

/**
 * The expression that is actually evaluated: `x.matches(p)` calls the RE2 implementation (cel-js
 * does not let an environment replace its built-in, RegExp-based `matches`), and each
 * comprehension's range goes through the budget counter. Mutates and serializes `ast`; returns
 * undefined when nothing needed rewriting, so the caller keeps the original text (serializing
 * escapes non-BMP characters as surrogate pairs, which cel-js's parser then refuses).
 */
export function rewriteForEvaluation(ast: unknown): string | undefined {
  let changed = false;
  walk(ast, (n) => {
    if (n.op !== 'rcall' || !Array.isArray(n.args)) return;
    const args = n.args as [string, Node, Node[]];
    if (args[0] === 'matches' && args[2].length === 1) args[0] = RE2_MATCHES_FN;
    else if (COMPREHENSIONS.has(args[0]) && args[2].length >= 2) args[1] = { op: 'call', args: [ITER_FN, [args[1]]] };
    else return;
    changed = true;
  });
  return changed ? serialize(ast as Parameters<typeof serialize>[0]) : undefined;
}
