import { describe, expect, it } from 'vitest';
import { getAtPath, setAtPath } from './params';

describe('setAtPath', () => {
  it('sets nested values, creating objects and arrays on the way', () => {
    expect(setAtPath({}, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
    expect(setAtPath({}, ['rows', 0, 'x'], 1)).toEqual({ rows: [{ x: 1 }] });
  });

  it('removes object keys and array items for undefined', () => {
    expect(setAtPath({ a: 1, b: 2 }, ['a'], undefined)).toEqual({ b: 2 });
    expect(setAtPath({ r: [1, 2, 3] }, ['r', 1], undefined)).toEqual({ r: [1, 3] });
  });

  it('does not mutate its input and keeps untouched branches', () => {
    const root = { a: { b: 1 }, c: { d: 2 } };
    const next = setAtPath(root, ['a', 'b'], 5);
    expect(root.a.b).toBe(1);
    expect(next.c).toBe(root.c);
    expect(getAtPath(next, ['a', 'b'])).toBe(5);
  });
});
