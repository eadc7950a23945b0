import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordSchema } from '../fields.js';
import { checkExpression, compileExpression, EXPRESSION_LIMITS, ExpressionEvaluationError } from './cel.js';

// T22: expensive but legal expressions. Assertions are on outcomes (a value, or the
// ExpressionEvaluationError that dead-letters the record), never on elapsed time.
const OPEN: RecordSchema = { fields: [], open: true };
const S: RecordSchema = { fields: [{ name: 's', type: 'string' }], open: false };
const run = (expr: string, record: Record<string, unknown>, schema = OPEN) => compileExpression(expr, schema).evaluate(record);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('matches() on RE2 (linear time)', () => {
  /** Fails (instead of hanging the run on the next case) if a pattern reaches JS RegExp. */
  function expectNoJsRegExp(): void {
    const seen: string[] = [];
    for (const m of ['test', 'exec'] as const) {
      const orig = RegExp.prototype[m];
      vi.spyOn(RegExp.prototype, m).mockImplementation(function (this: RegExp, s: string) {
        seen.push(this.source);
        return (orig as (s: string) => unknown).call(this, s) as never;
      });
    }
    expect(run("s.matches('b+c')", { s: 'abbc' }, S)).toBe(true);
    expect(run('s.matches(p)', { s: 'abbc', p: 'z' })).toBe(false);
    expect(seen.filter((src) => src === 'b+c' || src === 'z')).toEqual([]);
    vi.restoreAllMocks();
  }

  it('never hands the pattern to the backtracking JS RegExp', () => {
    expectNoJsRegExp();
  });

  it("runs s.matches('(a+)+$') on 100k a's to completion", () => {
    expectNoJsRegExp();
    const m = compileExpression("s.matches('(a+)+$')", S);
    expect(m.evaluate({ s: `${'a'.repeat(100_000)}b` })).toBe(false);
    expect(m.evaluate({ s: 'a'.repeat(100_000) })).toBe(true);
    expect(run("s.matches('^(a|aa)+$')", { s: `${'a'.repeat(100_000)}!` }, S)).toBe(false);
  }, 30_000);

  it('keeps CEL semantics: a match anywhere unless anchored', () => {
    expect(run("s.matches('abc')", { s: 'xabcx' }, S)).toBe(true);
    expect(run("s.matches('^abc$')", { s: 'xabcx' }, S)).toBe(false);
    expect(run("s.matches('(?i)ABC')", { s: 'abc' }, S)).toBe(true);
  });

  it('refuses patterns RE2 cannot run at validation, and dynamic ones per record', () => {
    for (const p of ['(a)\\\\1', '(?=a)', 'a{1001}', '[']) {
      const c = checkExpression(`s.matches('${p}')`, S);
      expect(c.valid, p).toBe(false);
      expect(c.message).toMatch(/regular expression/);
    }
    expect(checkExpression(`s.matches('${'a'.repeat(2000)}')`, S).message).toMatch(/longer than/);
    expect(() => run('s.matches(p)', { s: 'aa', p: '(a)\\1' })).toThrow(ExpressionEvaluationError);
  });
});

describe('per-record budget', () => {
  it('does not evaluate a record whose string field is over the input cap', () => {
    const e = compileExpression('s.size() > 0', S);
    expect(e.evaluate({ s: 'a'.repeat(EXPRESSION_LIMITS.maxInputStringLength) })).toBe(true);
    expect(() => e.evaluate({ s: 'a'.repeat(EXPRESSION_LIMITS.maxInputStringLength + 1) })).toThrow(/longer than/);
    expect(() => run('m.size()', { m: { x: ['a'.repeat(EXPRESSION_LIMITS.maxInputStringLength + 1)] } })).toThrow(ExpressionEvaluationError);
  });

  it('does not evaluate a record with more list elements than the input cap', () => {
    const big = Array.from({ length: EXPRESSION_LIMITS.maxInputElements + 1 }, (_, i) => i);
    expect(() => run('l.size()', { l: big })).toThrow(ExpressionEvaluationError);
    expect(run('l.size()', { l: big.slice(1) })).toBe(EXPRESSION_LIMITS.maxInputElements);
  });

  it('stops a nested map over a 10k-element list at the iteration budget', () => {
    const l = Array.from({ length: 10_000 }, (_, i) => i);
    expect(() => run('l.map(x, l.map(y, x + y)).size()', { l })).toThrow(/iterates more than/);
    expect(() => run('l.filter(x, l.exists(y, y == x + 1)).size()', { l })).toThrow(ExpressionEvaluationError);
    // The same shape on small lists is fine.
    expect(run('l.map(x, l.map(y, x + y)).size()', { l: l.slice(0, 100) })).toBe(100);
  });

  it('stops comprehensions over literal lists too', () => {
    const lit = `[${Array.from({ length: 300 }, (_, i) => i).join(',')}]`;
    expect(checkExpression(`${lit}.map(x, ${lit}.map(y, x * y)).size()`, OPEN).valid).toBe(true);
    expect(() => run(`${lit}.map(x, ${lit}.map(y, x * y)).size()`, {})).toThrow(/iterates more than/);
  });

  it('bounds string blow-up: the result is capped, cel.bind doubling is refused', () => {
    const half = 'a'.repeat(EXPRESSION_LIMITS.maxInputStringLength / 2);
    expect(run('s + s', { s: half }, S)).toHaveLength(EXPRESSION_LIMITS.maxInputStringLength);
    const chain = Array.from({ length: 200 }, () => 's').join(' + ');
    expect(() => run(chain, { s: half }, S)).toThrow(/result is a string longer than/);
    const bind = 'cel.bind(a, s + s, cel.bind(b, a + a, cel.bind(c, b + b, c + c)))';
    expect(checkExpression(bind, S)).toMatchObject({ valid: false, message: expect.stringMatching(/cel.bind/) });
  });

  it('keeps a __proto__ key of the input as data instead of a prototype', () => {
    const out = run('r', { r: JSON.parse('{"__proto__": {"isAdmin": true}, "a": 1}') }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.isAdmin).toBeUndefined();
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a']);
  });
});
