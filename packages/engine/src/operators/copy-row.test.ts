import { describe, expect, it } from 'vitest';
import { copyRow } from './copy-row.js';

describe('copyRow', () => {
  it('copies every own field into a new plain object', () => {
    const input = { a: 1, b: 'x', c: null };
    const out = copyRow(input);
    expect(out).not.toBe(input);
    expect(out).toEqual(input);
    out.d = 2;
    expect(input).not.toHaveProperty('d');
  });

  it('keeps a parsed __proto__ field as data, not as the prototype of the copy', () => {
    const input = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const out = copyRow(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a']);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
