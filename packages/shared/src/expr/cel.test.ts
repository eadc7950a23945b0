import { describe, expect, it } from 'vitest';
import { CLICKSTREAM_SCHEMA } from '../catalog/sources.js';
import type { RecordSchema } from '../fields.js';
import { checkExpression, compileExpression, ExpressionEvaluationError } from './cel.js';

const rec = { user_id: 7, product_id: 246, event_type: 'purchase', price: 19.5, ts: 1000 };

describe('checkExpression', () => {
  it('infers result types from the record schema', () => {
    expect(checkExpression("event_type == 'purchase'", CLICKSTREAM_SCHEMA)).toEqual({ valid: true, type: 'bool' });
    expect(checkExpression('product_id % 10', CLICKSTREAM_SCHEMA).type).toBe('int');
    expect(checkExpression('price * 2.0', CLICKSTREAM_SCHEMA).type).toBe('double');
    expect(checkExpression('event_type + "!"', CLICKSTREAM_SCHEMA).type).toBe('string');
  });

  it('allows mixed int/double arithmetic, yielding a double', () => {
    expect(checkExpression('price * 2', CLICKSTREAM_SCHEMA).type).toBe('double');
    expect(checkExpression('user_id / 2.0', CLICKSTREAM_SCHEMA).type).toBe('double');
    expect(compileExpression('price * 2 + user_id', CLICKSTREAM_SCHEMA).evaluate(rec)).toBe(46);
  });

  it('rejects type errors, unknown names and syntax errors without evaluating', () => {
    expect(checkExpression('price + event_type', CLICKSTREAM_SCHEMA)).toMatchObject({ valid: false });
    expect(checkExpression('nope > 1', CLICKSTREAM_SCHEMA).message).toMatch(/nope/);
    expect(checkExpression('1 +', CLICKSTREAM_SCHEMA).valid).toBe(false);
    expect(checkExpression('', CLICKSTREAM_SCHEMA).valid).toBe(false);
    expect(checkExpression('x'.repeat(5000), CLICKSTREAM_SCHEMA).valid).toBe(false);
  });

  it('rejects deep nesting by the structural limits', () => {
    const deep = '('.repeat(200) + '1' + ')'.repeat(200);
    expect(checkExpression(deep, CLICKSTREAM_SCHEMA).valid).toBe(false);
  });
});

describe('compileExpression', () => {
  it('evaluates against records with plain JS numbers, returning plain numbers', () => {
    expect(compileExpression("event_type == 'purchase' && price > 10.0", CLICKSTREAM_SCHEMA).evaluate(rec)).toBe(true);
    expect(compileExpression('product_id % 123 == 0', CLICKSTREAM_SCHEMA).evaluate(rec)).toBe(true);
    const v = compileExpression('product_id + 1', CLICKSTREAM_SCHEMA).evaluate(rec);
    expect(v).toBe(247);
    expect(typeof v).toBe('number');
  });

  it('throws ExpressionEvaluationError for per-record failures', () => {
    const div = compileExpression('user_id / (product_id - 246)', CLICKSTREAM_SCHEMA);
    expect(() => div.evaluate(rec)).toThrow(ExpressionEvaluationError);
    const missing = compileExpression('user_id + 1', CLICKSTREAM_SCHEMA);
    expect(() => missing.evaluate({})).toThrow(ExpressionEvaluationError);
    const wrongType = compileExpression('user_id + 1', CLICKSTREAM_SCHEMA);
    expect(() => wrongType.evaluate({ user_id: 1.5 })).toThrow(ExpressionEvaluationError);
  });

  it('converts nested dyn values of open schemas', () => {
    const open: RecordSchema = { fields: [], open: true };
    expect(compileExpression('items.size() == 2 && items[0] + 1 == 2', open).evaluate({ items: [1, 2] })).toBe(true);
    expect(compileExpression('a.b * 2', open).evaluate({ a: { b: 21 } })).toBe(42);
  });

  it('never sees inherited properties of the record', () => {
    const open: RecordSchema = { fields: [], open: true };
    expect(() => compileExpression('constructor', open)).toThrow(/JavaScript-internal/);
    expect(() => compileExpression('hasOwnProperty', open).evaluate({})).toThrow(ExpressionEvaluationError);
    expect(() => compileExpression('toString', open).evaluate(Object.create({ toString: 1 }))).toThrow(ExpressionEvaluationError);
  });
});
