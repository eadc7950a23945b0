import type { FieldType } from '../fields.js';
import { BAIL } from './fast-path-bail.js';
import { asBool, dynLeaf, equalDyn, hasKey, negateDyn, orderDyn, select, type Node } from './fast-path-select.js';
import { findInputProblem } from './input-size.js';

export { BAIL };

/** Evaluates one record to a plain JS value (CEL ints as numbers), or {@link BAIL}. */
export type FastEvaluator = (record: Record<string, unknown>) => unknown;

/** The static types of scalar operands. `dyn` is a value selected from a map: its kind is known per record. */
type Scalar = 'int' | 'double' | 'string' | 'bool' | 'dyn';
/** A field read as a whole (a `map` or `dyn` field): it is only selected from, or used as a `dyn` leaf. */
type Whole = 'map' | 'raw';
/**
 * A compiled node and its static type. A closure returns a plain JS value of that type (an int is
 * a safe-integer number), or BAIL. `map` and `raw` nodes return the record's own value unchanged:
 * `map` can only be selected from, `raw` (a `dyn` field or a selection) also becomes a `dyn` leaf.
 */
interface Compiled {
  type: Scalar | Whole;
  ev: Node;
}

/** A slot of a field the record does not have: reading it bails (cel-js reports the missing field). */
const MISSING: unique symbol = Symbol('riffle.expr.missing');

/** How a field is loaded: as a scalar of its declared type, or whole (a `map` or `dyn` field). */
type Load = 'int' | 'double' | 'string' | 'bool' | 'whole';

/** The fields one expression reads, each loaded once per record into a reused slot array. */
class Fields {
  readonly names: string[] = [];
  readonly loads: Load[] = [];

  slot(name: string, load: Load): number {
    const i = this.names.indexOf(name);
    if (i >= 0) return i;
    this.names.push(name);
    this.loads.push(load);
    return this.names.length - 1;
  }
}

interface AstNode {
  op: string;
  args: unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Limits on the input a record may bring (EXPRESSION_LIMITS' input caps). */
export interface FastPathLimits {
  /** Strings longer than this (anywhere in a field read) bail, so cel-js raises its input-size error. */
  maxString: number;
  /** More list elements and map entries than this across the whole fields read bail, likewise. */
  maxElements: number;
}

/**
 * Builds a tree of closures from a checked CEL AST for the shapes most pipelines use: fields and
 * literals of scalar types, field selection on maps (`left.price`, `a.b.c`, `has(a.b)`),
 * `int()`/`double()` of numbers, comparisons, `&&`/`||`/`!`, `?:` and arithmetic on typed
 * operands. Returns undefined when any node is outside that set; the expression then always runs
 * on cel-js. No code is generated from user text: each closure is a fixed function of these
 * files, parameterised by field names and literal values.
 *
 * @example
 * const fast = compileFastPath(ast, new Map([['price', 'double']]), { maxString: 1 << 20, maxElements: 10_000 });
 * fast?.({ price: 120 }) // true for `price > 100.0`
 */
export function compileFastPath(ast: unknown, vars: ReadonlyMap<string, FieldType>, limits: FastPathLimits): FastEvaluator | undefined {
  const fields = new Fields();
  const root = scalar(compile(ast as AstNode, vars, fields));
  if (root === undefined) return undefined;
  const { names, loads } = fields;
  const { maxString, maxElements } = limits;
  const slots = new Array<unknown>(names.length).fill(MISSING);
  const budget = { elements: maxElements };
  const ev = root.ev;
  return (record) => {
    // cel-js converts every field the expression names before evaluating, so a present but
    // malformed one fails even in a branch not taken: such records all go to cel-js. The same
    // holds for a whole field over the input-size limits, even if only a small part is selected.
    budget.elements = maxElements;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (!hasOwn.call(record, name)) {
        slots[i] = MISSING;
        continue;
      }
      const load = loads[i]!;
      const v = record[name];
      if (load === 'whole') {
        if (findInputProblem(v, budget, maxString) !== undefined) return BAIL;
        slots[i] = v === undefined ? null : v;
        continue;
      }
      const c = clean(v, load, maxString);
      if (c === BAIL) return BAIL;
      slots[i] = c;
    }
    return ev(slots);
  };
}

/**
 * A field's value as the fast path uses it, or BAIL: an `int` must be a safe integer (so number
 * arithmetic stays exact; `+ 0` turns -0 into 0 as BigInt does), a string at most `maxString`
 * long (cel-js refuses longer input), and every value of its declared type.
 */
function clean(v: unknown, load: Exclude<Load, 'whole'>, maxString: number): unknown {
  switch (load) {
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

/** An operand as a scalar: a whole `dyn` field or a selection becomes a `dyn` leaf; a whole map cannot. */
function scalar(c: Compiled | undefined): (Compiled & { type: Scalar }) | undefined {
  if (c === undefined || c.type === 'map') return undefined;
  return c.type === 'raw' ? { type: 'dyn', ev: dynLeaf(c.ev) } : (c as Compiled & { type: Scalar });
}

/** A `bool` operand, or a `dyn` one checked to be a bool per record. */
function boolean(c: Compiled | undefined): Node | undefined {
  const s = scalar(c);
  if (s?.type === 'bool') return s.ev;
  return s?.type === 'dyn' ? asBool(s.ev) : undefined;
}

function compile(n: AstNode, vars: ReadonlyMap<string, FieldType>, fields: Fields): Compiled | undefined {
  const sub = (x: unknown): Compiled | undefined => compile(x as AstNode, vars, fields);
  const args = n.args as unknown[];
  switch (n.op) {
    case 'id':
      return field(n.args as string, vars.get(n.args as string), fields);
    case 'value':
      return literal(n.args);
    case '.':
      return selection(sub(args[0]), args[1]);
    case '[]': {
      // `m["key"]` with a literal string key is the same lookup as `m.key`.
      const key = args[1] as AstNode;
      return key.op === 'value' ? selection(sub(args[0]), key.args) : undefined;
    }
    case 'call': {
      const [name, callArgs] = args as [string, AstNode[]];
      if ((name === 'int' || name === 'double') && callArgs.length === 1) return conversion(name, scalar(sub(callArgs[0])));
      if (name !== 'has' || callArgs.length !== 1 || callArgs[0]!.op !== '.') return undefined;
      const [operand, key] = callArgs[0]!.args as [AstNode, unknown];
      const o = sub(operand);
      return typeof key === 'string' && isWhole(o) ? { type: 'bool', ev: hasKey(o.ev, key) } : undefined;
    }
    case '!_': {
      const a = boolean(sub(n.args));
      return a === undefined ? undefined : { type: 'bool', ev: not(a) };
    }
    case '-_': {
      const a = scalar(sub(n.args));
      if (a?.type === 'double') return { type: 'double', ev: negateDouble(a.ev) };
      if (a?.type === 'dyn') return { type: 'dyn', ev: negateDyn(a.ev) };
      return a?.type === 'int' ? { type: 'int', ev: negateInt(a.ev) } : undefined;
    }
    case '&&':
    case '||': {
      const [l, r] = args.map((x) => boolean(sub(x)));
      if (l === undefined || r === undefined) return undefined;
      return { type: 'bool', ev: n.op === '&&' ? and(l, r) : or(l, r) };
    }
    case '?:': {
      const c = boolean(sub(args[0]));
      const [a, b] = [scalar(sub(args[1])), scalar(sub(args[2]))];
      const type = a === undefined || b === undefined ? undefined : branchType(a.type, b.type);
      return c === undefined || type === undefined ? undefined : { type, ev: conditional(c, a!.ev, b!.ev) };
    }
    default: {
      const [l, r] = Array.isArray(n.args) && n.args.length === 2 ? n.args.map((x) => scalar(sub(x))) : [];
      return l !== undefined && r !== undefined ? binary(n.op, l, r) : undefined;
    }
  }
}

/**
 * `int(x)` truncates a double toward zero (`+ 0`: no -0); `double(x)` of an int is the same
 * number. A string argument (which cel-js parses), another kind, or an int result outside the
 * safe integers bails.
 */
function conversion(name: 'int' | 'double', a: (Compiled & { type: Scalar }) | undefined): Compiled | undefined {
  if (a === undefined || a.type === 'string' || a.type === 'bool') return undefined;
  if (name === 'int') return a.type === 'int' ? a : { type: 'int', ev: truncate(a.ev) };
  if (a.type === 'double') return a;
  return { type: 'double', ev: a.type === 'int' ? a.ev : numberOnly(a.ev) };
}

function truncate(a: Node): Node {
  return (s) => {
    const x = a(s);
    if (typeof x !== 'number') return BAIL;
    const t = Math.trunc(x);
    return Number.isSafeInteger(t) ? t + 0 : BAIL;
  };
}

function numberOnly(a: Node): Node {
  return (s) => {
    const x = a(s);
    return typeof x === 'number' ? x : BAIL;
  };
}

function isWhole(c: Compiled | undefined): c is Compiled & { type: Whole } {
  return c?.type === 'map' || c?.type === 'raw';
}

function selection(operand: Compiled | undefined, key: unknown): Compiled | undefined {
  return typeof key === 'string' && isWhole(operand) ? { type: 'raw', ev: select(operand.ev, key) } : undefined;
}

/**
 * The type of `c ? a : b`: both the same, or `dyn` when one side is `dyn` and the other's kind is
 * recognisable from its value (a double can be integral, which a `dyn` leaf would read as an int).
 */
function branchType(a: Scalar, b: Scalar): Scalar | undefined {
  if (a === b) return a;
  if (a === 'dyn' && b !== 'double') return 'dyn';
  return b === 'dyn' && a !== 'double' ? 'dyn' : undefined;
}

function field(name: string, type: FieldType | undefined, fields: Fields): Compiled | undefined {
  const whole = type === 'map' || type === 'dyn';
  if (!whole && type !== 'int' && type !== 'double' && type !== 'string' && type !== 'bool') return undefined;
  const i = fields.slot(name, whole ? 'whole' : type);
  return {
    type: type === 'map' ? 'map' : type === 'dyn' ? 'raw' : type,
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
  return v === null ? { type: 'dyn', ev: () => null } : undefined;
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

function binary(op: string, l: Compiled & { type: Scalar }, r: Compiled & { type: Scalar }): Compiled | undefined {
  const numeric = isNumber(l.type) && isNumber(r.type);
  const dyn = l.type === 'dyn' || r.type === 'dyn';
  if (dyn && EQUALITY.has(op)) return { type: 'bool', ev: equalDyn(l.ev, r.ev, op === '!=') };
  if (dyn && ORDERING.has(op)) return { type: 'bool', ev: orderDyn(l.ev, r.ev, ORDER_FNS[op]!) };
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
