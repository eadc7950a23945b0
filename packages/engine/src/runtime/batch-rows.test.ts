import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../collector.js';
import { decodeBatch, encodeBatch, type Batch } from './batch.js';
import { fieldNumbers, fieldValues, makeRows } from './batch-rows.js';

const HOSTILE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'a b', 'x"); throw 1; ("', '0', '17', '', 'é😀', 'a,b', 'prototype'];

/** Names for a record shape: hostile ones, identifiers and arbitrary strings, no repeats. */
const names = fc.uniqueArray(fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ maxLength: 6 }), fc.constantFrom('user_id', 'price', 'ts')), { minLength: 1, maxLength: 14 });
const value = fc.oneof(
  fc.constantFrom(undefined, null, NaN, -0, 0, Infinity, -Infinity, true, false, '', 'view', 'click'),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** A record with these fields in this order; `__proto__` defined as data, as JSON.parse would. */
function record(fields: readonly string[], values: readonly unknown[]): Row {
  const r: Row = {};
  fields.forEach((k, j) => Object.defineProperty(r, k, { value: values[j], writable: true, enumerable: true, configurable: true }));
  return r;
}

/** Same own fields, same order, same values (Object.is: -0 and NaN count) and a plain prototype. */
function expectSameRecords(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.keys(a)).toEqual(Object.keys(e));
    for (const k of Object.keys(e)) {
      const [x, y] = [a[k], e[k]];
      if (typeof y === 'number') expect(Object.is(x, y), `field ${JSON.stringify(k)}: ${String(x)} vs ${String(y)}`).toBe(true);
      else expect(x).toEqual(y);
    }
  });
}

describe('records ↔ columns without generated code', () => {
  it('round-trips random shapes and values through fieldValues and makeRows', () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 1, max: 40 }), fc.array(value, { minLength: 600, maxLength: 600 }), (fields, n, pool) => {
        const rows = Array.from({ length: n }, (_, i) => record(fields, fields.map((_, j) => pool[(i * fields.length + j) % pool.length])));
        const columns = fields.map((_, j) => fieldValues(rows, fields, j, n));
        expectSameRecords(makeRows(fields, columns, n), rows);
      }),
      { numRuns: 100 },
    );
  });

  it('stores a number field straight into a float64 column until the first value that is not a number', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']; // past the last per-position copy
    const rows = [0, 1, 2, 3].map((i) => record(fields, fields.map((_, j) => (i === 2 && j === 9 ? 'x' : i * 10 + j))));
    const out = new Float64Array(8).fill(-1);
    expect(fieldNumbers(rows, fields, 3, out, 2, 4)).toBe(4);
    expect(Array.from(out)).toEqual([-1, -1, 3, 13, 23, 33, -1, -1]);
    expect(fieldNumbers(rows, fields, 9, out, 0, 4)).toBe(2);
    expect(Array.from(out.subarray(0, 2))).toEqual([9, 19]);
  });

  it('round-trips random shapes through the whole batch codec (column kinds chosen per value)', () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 1, max: 60 }), fc.array(value, { minLength: 300, maxLength: 300 }), (fields, n, pool) => {
        const rows = Array.from({ length: n }, (_, i) => record(fields, fields.map((_, j) => pool[(i * 7 + j * 3) % pool.length])));
        const b: Batch = { values: rows, timestamps: rows.map((_, i) => i), keys: null, marks: [], end: false };
        expectSameRecords(decodeBatch(encodeBatch(b)).values, rows);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a field named __proto__ as data and never touches the prototype', () => {
    const rows = [JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "n": 2}') as Row, JSON.parse('{"__proto__": 5, "constructor": 2, "n": 3}') as Row];
    const back = decodeBatch(encodeBatch({ values: rows, timestamps: [1, 2], keys: null, marks: [], end: false })).values;
    expect(Object.getPrototypeOf(back[0]!)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back[0]!, '__proto__')?.value).toEqual({ polluted: true });
    expect(back[1]!['__proto__']).toBe(5);
    expect(back[1]!.constructor).toBe(2);
    expect(({} as Row).polluted).toBeUndefined();
  });

  it('keeps names a plain join would merge apart', () => {
    const a = [{ 'a,b': 1 }, { 'a,b': 2 }];
    const b = [{ a: 3, b: 4 }, { a: 5, b: 6 }];
    const rt = (values: Row[]) => decodeBatch(encodeBatch({ values, timestamps: [0, 0], keys: null, marks: [], end: false })).values;
    expect(rt(a)).toEqual(a);
    expect(rt(b)).toEqual(b);
    expect(rt(a)).toEqual(a);
  });

  it('gives rebuilt records of one shape plain, equal-looking objects', () => {
    const rows = makeRows(['x', 'y'], [[1, 2], ['a', 'b']], 2);
    expect(rows[0]!.constructor).toBe(Object);
    expect(JSON.stringify(rows)).toBe('[{"x":1,"y":"a"},{"x":2,"y":"b"}]');
    expect(makeRows(['x'], [[]], 0)).toEqual([]);
  });
});
