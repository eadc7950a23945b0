import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSchema } from '../fields.js';
import { compileExpression, FAST_PATH_LIMITS } from './cel.js';
import { compileFastPath } from './fast-path.js';
import { astOf, compareWithCel, expectSame, outcome } from './fast-path.test-support.js';

// The closure fast path must give exactly cel-js's answer: the same value (Object.is, so -0 and
// NaN count) or the same error. Random typed expressions over random records, including records
// with missing fields, wrong runtime types, unsafe integers, -0, NaN and infinities.
// RIFFLE_FUZZ_SEED replays a failure (fast-check prints the seed).

const SCHEMA: RecordSchema = {
  fields: [
    { name: 'a', type: 'int' },
    { name: 'b', type: 'int' },
    { name: 'x', type: 'double' },
    { name: 'y', type: 'double' },
    { name: 's', type: 'string' },
    { name: 't', type: 'string' },
    { name: 'p', type: 'bool' },
    { name: 'q', type: 'bool' },
  ],
  open: false,
};

const intLit = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer(), fc.constantFrom(2 ** 53 - 1, 2 ** 53 + 1, 2 ** 62)).map(String);
const doubleLit = fc
  .oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.constantFrom(0, 0.5, 1e300, 2.5e-300))
  .map((v) => {
    const t = String(Math.abs(v));
    return `${v < 0 || Object.is(v, -0) ? '-' : ''}${/[.e]/.test(t) ? t : `${t}.0`}`;
  });
const stringLit = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', 'a', 'é', '😀', 'Z')).map((v) => JSON.stringify(v));

/** CEL text of a random expression of each type, built from fields, literals and operators. */
const { int, double, bool } = fc.letrec<{ int: string; double: string; bool: string; str: string }>((tie) => ({
  int: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'b'),
    intLit,
    fc.tuple(tie('int'), fc.constantFrom('+', '-', '*', '/', '%'), tie('int')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('int').map((e) => `-(${e})`),
    tie('double').map((e) => `int(${e})`),
    fc.tuple(tie('bool'), tie('int'), tie('int')).map(([c, l, r]) => `(${c} ? ${l} : ${r})`),
    tie('str').map((e) => `size(${e})`), // not on the fast path: the whole expression runs on cel-js
  ),
  double: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y'),
    doubleLit,
    fc.tuple(tie('double'), fc.constantFrom('+', '-', '*', '/'), tie('double')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('double'), fc.constantFrom('+', '-', '*', '/'), tie('int')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('int'), fc.constantFrom('+', '-', '*', '/'), tie('double')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('double').map((e) => `-(${e})`),
    tie('int').map((e) => `double(${e})`),
  ),
  str: fc.oneof({ depthSize: 'small' }, fc.constantFrom('s', 't'), stringLit),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('p', 'q', 'true', 'false'),
    fc.tuple(tie('int'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('int')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('double'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('double')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('int'), fc.constantFrom('<', '>='), tie('double')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('str'), fc.constantFrom('==', '!=', '<', '>='), tie('str')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('bool'), fc.constantFrom('==', '!=', '<'), tie('bool')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('bool'), fc.constantFrom('&&', '||'), tie('bool')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('bool').map((e) => `!(${e})`),
    tie('str').map((e) => `${e}.startsWith("a")`), // not on the fast path
  ),
}));

const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, -0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1.5, 0, '', 'a', true, false),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);
/** A value of the declared type most of the time, anything (or absent) otherwise. */
const fieldValue = (typed: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: anyValue });
const record = fc.record(
  {
    a: fieldValue(fc.oneof(fc.integer({ min: -10, max: 10 }), fc.maxSafeInteger(), fc.constant(-0))),
    b: fieldValue(fc.oneof(fc.integer({ min: -10, max: 10 }), fc.maxSafeInteger())),
    x: fieldValue(fc.double()),
    y: fieldValue(fc.oneof(fc.double({ min: -100, max: 100 }), fc.integer({ min: -3, max: 3 }))),
    s: fieldValue(fc.string({ maxLength: 3 })),
    t: fieldValue(fc.constantFrom('', 'a', 'é', '😀', 'b')),
    p: fieldValue(fc.boolean()),
    q: fieldValue(fc.boolean()),
  },
  { requiredKeys: [] },
);

const VARS = new Map(SCHEMA.fields.map((f) => [f.name, f.type] as const));

describe('expression fast path', () => {
  it('gives the same value or the same error as cel-js for random expressions and records', () => {
    const { fastAnswered, checked } = compareWithCel(fc.oneof(int, double, bool), record, SCHEMA, 1500);
    // The comparison means something only if the fast path answered a good share itself.
    expect(fastAnswered).toBeGreaterThan(checked / 5);
  }, 120_000);

  it('compiles the common pipeline shapes and answers typical records without cel-js', () => {
    const rec = { a: 7, b: 2, x: 120.5, y: 0.5, s: 'click', t: 'view', p: true, q: false };
    const cases: Array<[string, unknown]> = [
      ["s == 'click' || x > 100.0", true],
      ['x * 1.2', 144.6],
      ['a', 7],
      ['a * 100 + b', 702],
      ['a / b', 3],
      ['-a % b', -1],
      ['p && !q ? a : b', 7],
      ['x > 100.0 && a < 3', false],
      ['int(x * 2.0)', 241],
      ['double(a) / 2.0', 3.5],
    ];
    for (const [expr, want] of cases) {
      const fast = compileFastPath(astOf(expr, SCHEMA), VARS, FAST_PATH_LIMITS);
      expect(fast, expr).toBeDefined();
      expect(fast!(rec), expr).toBe(want);
    }
  });

  it('hands error cases to cel-js: missing field, wrong type, division by zero, overflow', () => {
    const div = compileExpression('a / b', SCHEMA);
    const ref = compileExpression('a / b', SCHEMA, { interpretOnly: true });
    for (const r of [{ a: 1, b: 0 }, { a: 1 }, { a: 1.5, b: 1 }, { a: '1', b: 1 }, { a: 2 ** 60, b: 1 }]) {
      expectSame(outcome(() => div.evaluate(r)), outcome(() => ref.evaluate(r)));
    }
    expect(() => div.evaluate({ a: 1, b: 0 })).toThrow(/division by zero/);
    const mul = compileExpression('a * b', SCHEMA);
    expect(() => mul.evaluate({ a: 2 ** 40, b: 2 ** 40 })).toThrow(/overflow/);
  });

  it('never reads a field through the prototype chain', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const e = compileExpression('a + 1', SCHEMA);
    try {
      proto.a = 41;
      expect(() => e.evaluate({})).toThrow();
    } finally {
      delete proto.a;
    }
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});
