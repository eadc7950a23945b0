import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSchema } from '../fields.js';
import { compileExpression, EXPRESSION_LIMITS, FAST_PATH_LIMITS } from './cel.js';
import { BAIL, compileFastPath } from './fast-path.js';
import { astOf, compareWithCel } from './fast-path.test-support.js';

// Field selection on map values (`left.price`, `a.b.c`, `has(a.b)`) on the fast path must give
// exactly cel-js's answer: the same value (Object.is) or the same error, for rows with missing
// keys, values of every runtime kind, nulls, unsafe integers, NaN, strings at the size limit and
// element counts around the input limit. RIFFLE_FUZZ_SEED replays a failure.

const SCHEMA: RecordSchema = {
  fields: [
    { name: 'left', type: 'map' },
    { name: 'right', type: 'map' },
    { name: 'd', type: 'dyn' },
    { name: 'i', type: 'int' },
    { name: 'x', type: 'double' },
    { name: 's', type: 'string' },
    { name: 'p', type: 'bool' },
  ],
  open: false,
};
const VARS = new Map(SCHEMA.fields.map((f) => [f.name, f.type] as const));

const AT_LIMIT = 'x'.repeat(EXPRESSION_LIMITS.maxInputStringLength);
const OVER_LIMIT = `${AT_LIMIT}y`;
/** With a few more entries beside it, this list takes a field over the element limit. */
const NEAR_LIMIT = Array.from({ length: EXPRESSION_LIMITS.maxInputElements - 4 }, (_, k) => k);

class Point {
  constructor(readonly a = 1) {}
}

/** Leaf values of every kind a decoded or hand-built row may hold. */
const leaf = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 4, arbitrary: fc.constantFrom(1.5, -2.5, 0.1) },
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', '', 'é', '😀') },
  { weight: 4, arbitrary: fc.boolean() },
  fc.constantFrom<unknown>(null, undefined, -0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e300),
  fc.constantFrom<unknown>(5n, 2n ** 70n, new Date(5), new Uint8Array([1]), new Map([['a', 1]]), [1, 2], new Point(), Symbol('s'), AT_LIMIT, OVER_LIMIT),
  fc.double(),
);
const KEYS = ['a', 'b', 'c'] as const;
const nested = fc.oneof(
  { weight: 3, arbitrary: fc.record({ a: leaf, b: leaf, c: leaf }, { requiredKeys: ['a', 'b'] }) },
  fc.constant(Object.assign(Object.create(null) as object, { a: 1, b: 'z' })),
  fc.constant(Object.defineProperty({ b: 2 }, 'a', { value: 7, enumerable: false })),
  fc.constant(Object.create({ a: 9 }) as object),
  leaf,
);
/** A `map`/`dyn` field: a row with keys a, b, a nested row n and maybe c, or something else entirely. */
const row = fc.oneof(
  { weight: 8, arbitrary: fc.record({ a: leaf, b: leaf, c: leaf, n: nested, big: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.constant(NEAR_LIMIT)) }, { requiredKeys: ['a', 'b', 'n'] }) },
  { weight: 1, arbitrary: leaf },
);
const record = fc.record(
  {
    left: row,
    right: row,
    d: row,
    i: fc.oneof(fc.integer({ min: -3, max: 3 }), leaf),
    x: fc.oneof(fc.double({ min: -3, max: 3 }), leaf),
    s: fc.oneof(fc.constantFrom('a', 'b'), leaf),
    p: fc.oneof(fc.boolean(), leaf),
  },
  { requiredKeys: [] },
);

const key = fc.constantFrom(...KEYS);
/** Selections that read a leaf: `left.a`, `right.n.b`, `d.c`, `left["a"]`, or the whole `d`. */
const sel = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('left', 'right'), key).map(([v, k]) => `${v}.${k}`) },
  fc.tuple(fc.constantFrom('left', 'right', 'd'), key).map(([v, k]) => `${v}.n.${k}`),
  key.map((k) => `d.${k}`),
  key.map((k) => `left["${k}"]`),
  fc.constant('d'),
);
const literal = fc.constantFrom('1', '0', '-2', '1.5', '1.0', '-0.0', '"a"', '""', 'true', 'false', 'null', 'i', 'x', 's', 'p');
const order = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
const { dyn, bool } = fc.letrec<{ dyn: string; bool: string }>((tie) => ({
  dyn: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    sel,
    sel.map((e) => `-${e}`),
    fc.tuple(tie('bool'), tie('dyn'), fc.oneof(tie('dyn'), literal)).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(tie('dyn'), order, fc.oneof(tie('dyn'), literal)).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(literal, order, tie('dyn')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(fc.constantFrom('left', 'right', 'd', 'left.n', 'd.n'), key).map(([v, k]) => `has(${v}.${k})`),
    tie('dyn').map((e) => `!${e}`),
    fc.tuple(fc.oneof(tie('bool'), sel), fc.constantFrom('&&', '||'), fc.oneof(tie('bool'), sel, fc.constantFrom('p', 'true', 'false'))).map(([l, op, r]) => `(${l} ${op} ${r})`),
    sel.map((e) => `${e} + 1 > 0`), // arithmetic on a dyn value: always cel-js
    fc.tuple(fc.constantFrom('int', 'double'), sel, order, literal).map(([f, e, op, r]) => `(${f}(${e}) ${op} ${r})`),
  ),
}));

describe('expression fast path: selection on map values', () => {
  it('gives the same value or the same error as cel-js for random selections and rows', () => {
    const { fastAnswered, checked } = compareWithCel(fc.oneof(dyn, bool, fc.tuple(fc.constantFrom('int', 'double'), sel).map(([f, e]) => `${f}(${e})`)), record, SCHEMA, 1500);
    // The comparison means something only if the fast path answered a good share itself.
    expect(fastAnswered).toBeGreaterThan(checked / 5);
  }, 180_000);

  it("answers Nexmark q4's join expressions without cel-js", () => {
    const schema: RecordSchema = { fields: [{ name: 'left', type: 'map' }, { name: 'right', type: 'map' }], open: false };
    const vars = new Map(schema.fields.map((f) => [f.name, f.type] as const));
    const auction = { event_type: 1, id: 1001, itemName: 'kbx', reserve: 1500.5, dateTime: 1_000, expires: 9_000, category: 12, extra: 'x'.repeat(200) };
    const bid = { event_type: 2, auction: 1001, price: 2_000, dateTime: 5_000, url: 'https://e.example/a', extra: '' };
    const cases: Array<[string, unknown]> = [
      ['right.dateTime >= left.dateTime && right.dateTime <= left.expires', true],
      ['left.id', 1001],
      ['left.category', 12],
      ['right.price', 2_000],
      ['right.price > left.reserve', true],
      ['has(left.reserve) && !has(left.seller)', true],
      ['left.itemName == "kbx"', true],
    ];
    for (const [expr, want] of cases) {
      const fast = compileFastPath(astOf(expr, schema), vars, FAST_PATH_LIMITS);
      expect(fast, expr).toBeDefined();
      expect(fast!({ left: auction, right: bid }), expr).toBe(want);
      expect(compileExpression(expr, schema).evaluate({ left: auction, right: bid }), expr).toBe(want);
    }
  });

  it('hands error cases to cel-js: a missing key, a value of another kind, an oversized row', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['left.a', { left: { b: 1 } }, /No such key: a/],
      ['left.a', { left: { a: undefined } }, /No such key: a/],
      ['left.n.a', { left: { n: 'text' } }, /No such key: a/],
      ['left.a > 1', { left: { a: 'text' } }, /no such overload/],
      ['left.a', { left: null }, /not of type/],
      ['left.a', { left: { a: 1, b: OVER_LIMIT } }, /string longer than/],
      ['left.a', { left: { a: 1, big: NEAR_LIMIT, c: [1, 2, 3, 4] } }, /list elements and map entries/],
    ];
    for (const [expr, r, error] of cases) {
      const fast = compileFastPath(astOf(expr, SCHEMA), VARS, FAST_PATH_LIMITS);
      expect(fast, expr).toBeDefined();
      expect(fast!(r), expr).toBe(BAIL);
      expect(() => compileExpression(expr, SCHEMA).evaluate(r), expr).toThrow(error);
    }
  });

  it('reports a throwing accessor in a row as an evaluation error, as cel-js does', () => {
    const left = { a: 1 };
    Object.defineProperty(left, 'b', { enumerable: true, get: () => { throw new Error('getter failed'); } });
    expect(() => compileExpression('left.a', SCHEMA).evaluate({ left })).toThrow(expect.objectContaining({ name: 'ExpressionEvaluationError', message: 'getter failed' }));
  });

  it('never reads a nested key through the prototype chain', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const e = compileExpression('left.polluted', SCHEMA);
    try {
      proto.polluted = 41;
      expect(() => e.evaluate({ left: {} })).toThrow(/No such key/);
      expect(compileExpression('has(left.polluted)', SCHEMA).evaluate({ left: {} })).toBe(false);
    } finally {
      delete proto.polluted;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
