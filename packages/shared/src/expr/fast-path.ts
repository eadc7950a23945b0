import type { FieldType } from '../fields.js';

/**
 * Returned by a fast evaluator when this record is outside what it handles (a field missing or
 * of another runtime type, an integer result that might overflow, a division by zero, …). The
 * caller then evaluates the record with cel-js, which gives CEL's exact result or error: the fast
 * path never decides an error case itself, so its errors are cel-js's by construction.
 */
export const BAIL: unique symbol = Symbol('riffle.expr.bail');

/** Evaluates one record to a plain JS value (CEL ints as numbers), or {@link BAIL}. */
export type FastEvaluator = (record: Record<string, unknown>) => unknown;

/** A node of the closure tree: reads the fields loaded for the current record from `slots`. */
type Node = (slots: unknown[]) => unknown;

type Scalar = 'int' | 'double' | 'string' | 'bool';
interface Compiled {
  type: Scalar;
  ev: Node;
}

/** A slot of a field the record does not have: reading it bails (cel-js reports the missing field). */
const MISSING: unique symbol = Symbol('riffle.expr.missing');

/** The fields one expression reads, each loaded once per record into a reused slot array. */
class Fields {
  readonly names: string[] = [];
  readonly types: Scalar[] = [];

  slot(name: string, type: Scalar): number {
    const i = this.names.indexOf(name);
    if (i >= 0) return i;
    this.names.push(name);
    this.types.push(type);
    return this.names.length - 1;
  }
}

interface AstNode {
  op: string;
  args: unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Builds a tree of closures from a checked CEL AST for the shapes most pipelines use: fields and
 * literals of scalar types, comparisons, `&&`/`||`/`!`, `?:` and arithmetic. Returns undefined
 * when any node is outside that set; the expression then always runs on cel-js. No code is
 * generated from user text: each closure is a fixed function of this file, parameterised by
 * field names and literal values.
 *
 * @param maxString strings longer than this (as input) bail, so cel-js raises its input-size error.
 * @example
 * const fast = compileFastPath(ast, new Map([['price', 'double']]), 1 << 20);
 * fast?.({ price: 120 }) // true for `price > 100.0`
 */
export function compileFastPath(ast: unknown, vars: ReadonlyMap<string, FieldType>, maxString: number): FastEvaluator | undefined {
  const fields = new Fields();
  const root = compile(ast as AstNode, vars, fields);
  if (root === undefined) return undefined;
  const { names, types } = fields;
  const slots = new Array<unknown>(names.length).fill(MISSING);
  const ev = root.ev;
  return (record) => {
    // cel-js converts every field the expression names before evaluating, so a present but
    // malformed one fails even in a branch not taken: such records all go to cel-js.
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (!hasOwn.call(record, name)) {
        slots[i] = MISSING;
        continue;
      }
      const v = clean(record[name], types[i]!, maxString);
      if (v === BAIL) return BAIL;
      slots[i] = v;
    }
    return ev(slots);
  };
}

/**
 * A field's value as the fast path uses it, or BAIL: an `int` must be a safe integer (so number
 * arithmetic stays exact; `+ 0` turns -0 into 0 as BigInt does), a string at most `maxString`
 * long (cel-js refuses longer input), and every value of its declared type.
 */
function clean(v: unknown, type: Scalar, maxString: number): unknown {
  switch (type) {
    case 'int':
      return Number.isSafeInteger(v) ? (v as number) + 0 : BAIL;
    case 'double':
      return typeof v === 'number' ? v : BAIL;
    case 'string':
      return typeof v === 'string' && v.length <= maxString ? v : BAIL;
    default:
      return typeof v === 'boolean' ? v : BAIL;
  }
}

function compile(n: AstNode, vars: ReadonlyMap<string, FieldType>, fields: Fields): Compiled | undefined {
  const sub = (x: unknown): Compiled | undefined => compile(x as AstNode, vars, fields);
  switch (n.op) {
    case 'id':
      return field(n.args as string, vars.get(n.args as string), fields);
    case 'value':
      return literal(n.args);
    case '!_': {
      const a = sub(n.args);
      return a?.type === 'bool' ? { type: 'bool', ev: not(a.ev) } : undefined;
    }
    case '-_': {
      const a = sub(n.args);
      if (a?.type === 'double') return { type: 'double', ev: negateDouble(a.ev) };
      return a?.type === 'int' ? { type: 'int', ev: negateInt(a.ev) } : undefined;
    }
    case '&&':
    case '||': {
      const [l, r] = (n.args as unknown[]).map(sub);
      if (l?.type !== 'bool' || r?.type !== 'bool') return undefined;
      return { type: 'bool', ev: n.op === '&&' ? and(l.ev, r.ev) : or(l.ev, r.ev) };
    }
    case '?:': {
      const [c, a, b] = (n.args as unknown[]).map(sub);
      if (c?.type !== 'bool' || a === undefined || a.type !== b?.type) return undefined;
      return { type: a.type, ev: conditional(c.ev, a.ev, b.ev) };
    }
    default: {
      const [l, r] = Array.isArray(n.args) && n.args.length === 2 ? n.args.map(sub) : [];
      return l !== undefined && r !== undefined ? binary(n.op, l, r) : undefined;
    }
  }
}

function field(name: string, type: FieldType | undefined, fields: Fields): Compiled | undefined {
  if (type !== 'int' && type !== 'double' && type !== 'string' && type !== 'bool') return undefined;
  const i = fields.slot(name, type);
  return {
    type,
    ev: (s) => {
      const v = s[i];
      return v === MISSING ? BAIL : v;
    },
  };
}

function literal(v: unknown): Compiled | undefined {
  // cel-js parses `1.0` to a number and `1` to a bigint.
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? { type: 'int', ev: () => n } : undefined;
  }
  if (typeof v === 'number') return { type: 'double', ev: () => v };
  if (typeof v === 'string') return { type: 'string', ev: () => v };
  if (typeof v === 'boolean') return { type: 'bool', ev: () => v };
  return undefined;
}

function not(a: Node): Node {
  return (r) => {
    const x = a(r);
    return x === BAIL ? BAIL : !x;
  };
}

function negateDouble(a: Node): Node {
  return (r) => {
    const x = a(r);
    return x === BAIL ? BAIL : -(x as number);
  };
}

function negateInt(a: Node): Node {
  return (r) => {
    const x = a(r);
    return x === BAIL ? BAIL : -(x as number) + 0;
  };
}

/** CEL's `&&` absorbs an error when the other side is false; a bail hands that case to cel-js. */
function and(a: Node, b: Node): Node {
  return (r) => {
    const x = a(r);
    if (x === false) return false;
    return x === BAIL ? BAIL : b(r);
  };
}

function or(a: Node, b: Node): Node {
  return (r) => {
    const x = a(r);
    if (x === true) return true;
    return x === BAIL ? BAIL : b(r);
  };
}

function conditional(c: Node, a: Node, b: Node): Node {
  return (r) => {
    const x = c(r);
    if (x === BAIL) return BAIL;
    return x ? a(r) : b(r);
  };
}

/** Same-type equality; CEL's overloads compare scalars with `===` too. */
const EQUALITY = new Set(['==', '!=']);
const ORDERING = new Set(['<', '<=', '>', '>=']);

function binary(op: string, l: Compiled, r: Compiled): Compiled | undefined {
  const numeric = isNumber(l.type) && isNumber(r.type);
  if (EQUALITY.has(op)) {
    // int == double type-checks through a dyn overload; it stays on cel-js.
    if (l.type !== r.type) return undefined;
    return { type: 'bool', ev: op === '==' ? compare(l.ev, r.ev, (a, b) => a === b) : compare(l.ev, r.ev, (a, b) => a !== b) };
  }
  if (ORDERING.has(op)) {
    // Numbers in any int/double mix (JS compares a bigint with a number exactly, as cel-js does),
    // strings by UTF-16 code units (cel-js uses JS `<` on strings), bools as in cel-js.
    if (!numeric && l.type !== r.type) return undefined;
    return { type: 'bool', ev: compare(l.ev, r.ev, ORDER_FNS[op]!) };
  }
  if (!numeric) return undefined;
  if (l.type === 'int' && r.type === 'int') {
    const f = INT_ARITH[op];
    return f === undefined ? undefined : { type: 'int', ev: arith(l.ev, r.ev, f) };
  }
  // double op double is JS arithmetic in cel-js; mixed int/double is Riffle's overload, also JS.
  const f = DOUBLE_ARITH[op];
  return f === undefined ? undefined : { type: 'double', ev: arith(l.ev, r.ev, f) };
}

function isNumber(t: Scalar): boolean {
  return t === 'int' || t === 'double';
}

type Op = (a: never, b: never) => unknown;

const ORDER_FNS: Record<string, Op> = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
};

const DOUBLE_ARITH: Record<string, Op> = {
  '+': (a: number, b: number) => a + b,
  '-': (a: number, b: number) => a - b,
  '*': (a: number, b: number) => a * b,
  '/': (a: number, b: number) => a / b,
};

/** A result outside the safe integers might differ from int64 arithmetic (or overflow): cel-js decides. */
function safeInt(x: number): number | typeof BAIL {
  return Number.isSafeInteger(x) ? x + 0 : BAIL;
}

const INT_ARITH: Record<string, Op> = {
  '+': (a: number, b: number) => safeInt(a + b),
  '-': (a: number, b: number) => safeInt(a - b),
  '*': (a: number, b: number) => safeInt(a * b),
  // Truncating division without rounding: a - a % b is an exact multiple of b (`%` is exact on doubles).
  '/': (a: number, b: number) => (b === 0 ? BAIL : (a - (a % b)) / b + 0),
  '%': (a: number, b: number) => (b === 0 ? BAIL : (a % b) + 0),
};

function compare(a: Node, b: Node, f: Op): Node {
  return (r) => {
    const x = a(r);
    if (x === BAIL) return BAIL;
    const y = b(r);
    return y === BAIL ? BAIL : (f as (a: unknown, b: unknown) => unknown)(x, y);
  };
}

const arith = compare;
