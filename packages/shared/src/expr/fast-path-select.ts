import { BAIL } from './fast-path-bail.js';

/**
 * Field selection on map values (`left.price`, `a.b.c`, `has(a.b)`) for the fast path, reading
 * only the selected leaf of the record's own value. The interpreter converts the whole value first
 * (`deepToCel`: every number to a BigInt or a double, every object to a null-prototype copy of its
 * own enumerable keys); the nodes here give the same answer by the rules that conversion implies,
 * and bail on anything else:
 * - a key is present when it is an own enumerable property whose value is not undefined; a
 *   missing key is cel-js's "No such key" error, so it bails;
 * - only plain objects (prototype Object.prototype or null) are selected from: lists, Maps, Dates,
 *   class instances and scalars bail, whatever cel-js would make of them;
 * - a leaf's CEL type follows from its JS value: an integer number is an int (BigInt, so -0 is 0),
 *   any other number a double; strings, booleans and null are themselves. A leaf of any other kind
 *   (a list, a map, bytes, a timestamp, a BigInt) or an int outside the safe integers bails.
 */

/** A node of the closure tree (see fast-path.ts). */
export type Node = (slots: unknown[]) => unknown;

const isEnumerable = Object.prototype.propertyIsEnumerable;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `o.key` on a map value: the raw value (maybe a nested map), or BAIL. */
export function select(operand: Node, key: string): Node {
  return (s) => {
    const o = operand(s);
    if (!isPlainObject(o) || !isEnumerable.call(o, key)) return BAIL;
    const v = o[key];
    return v === undefined ? BAIL : v;
  };
}

/**
 * `has(o.key)`: whether the map value has the key. cel-js still looks at the value's type, and
 * refuses a symbol or a function, so those bail.
 */
export function hasKey(operand: Node, key: string): Node {
  return (s) => {
    const o = operand(s);
    if (!isPlainObject(o)) return BAIL;
    if (!isEnumerable.call(o, key)) return false;
    const v = o[key];
    if (v === undefined) return false;
    return typeof v === 'symbol' || typeof v === 'function' ? BAIL : true;
  };
}

/**
 * A selected value as a `dyn` operand: a number (int when integral), string, boolean or null, or
 * BAIL for every other kind. Strings need no length check here: the whole value the selection
 * starts from passed the input-size check when the record was loaded.
 */
export function dynLeaf(raw: Node): Node {
  return (s) => {
    const v = raw(s);
    switch (typeof v) {
      case 'number':
        if (!Number.isInteger(v)) return v;
        return Number.isSafeInteger(v) ? v + 0 : BAIL;
      case 'string':
      case 'boolean':
        return v;
      default:
        return v === null ? null : BAIL;
    }
  };
}

/** A `dyn` operand where CEL needs a bool (`&&`, `!`, `?:`): any other kind is a cel-js error. */
export function asBool(a: Node): Node {
  return (s) => {
    const x = a(s);
    return typeof x === 'boolean' ? x : BAIL;
  };
}

/** Negation of a `dyn` number: an int stays integral (`+ 0` as BigInt has no -0), a double is negated. */
export function negateDyn(a: Node): Node {
  return (s) => {
    const x = a(s);
    if (typeof x !== 'number') return BAIL;
    return Number.isInteger(x) ? -x + 0 : -x;
  };
}

/**
 * `==`/`!=` with a `dyn` side. cel-js compares numbers by value across int and double and finds
 * values of different kinds unequal (no error), so on the fast path's scalars it is `===`.
 */
export function equalDyn(a: Node, b: Node, negate: boolean): Node {
  return (s) => {
    const x = a(s);
    if (x === BAIL) return BAIL;
    const y = b(s);
    if (y === BAIL) return BAIL;
    return negate ? x !== y : x === y;
  };
}

/**
 * `<`, `<=`, `>`, `>=` with a `dyn` side: two numbers (any int/double mix), two strings or two
 * bools compare as on the typed path; other pairs (null included) are a cel-js error, so they bail.
 */
export function orderDyn(a: Node, b: Node, f: (x: never, y: never) => unknown): Node {
  const cmp = f as (x: unknown, y: unknown) => unknown;
  return (s) => {
    const x = a(s);
    if (x === BAIL) return BAIL;
    const y = b(s);
    if (y === BAIL) return BAIL;
    return typeof x === typeof y && x !== null && y !== null ? cmp(x, y) : BAIL;
  };
}
