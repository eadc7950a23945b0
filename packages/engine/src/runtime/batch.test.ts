import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, type Batch } from './batch.js';
import { ColumnWriter, DICT, F64, ANY } from './batch-columns.js';

const batch = (values: Batch['values'], keys: Batch['keys'] = null): Batch => ({ values, timestamps: values.map((_, i) => i), keys, marks: [], end: false });
const roundTrip = (b: Batch) => decodeBatch(encodeBatch(b));

describe('column encoding', () => {
  it('picks float64 for numbers, a dictionary for repeated strings, msgpack otherwise', () => {
    const w = new ColumnWriter();
    expect(w.column([1, 2.5, NaN, -0], 4)[0]).toBe(F64);
    const few = Array.from({ length: 1000 }, (_, i) => ['view', 'click', 'purchase'][i % 3]!);
    expect(w.column(few, 1000).slice(0, 1)).toEqual([DICT]);
    const many = Array.from({ length: 1000 }, (_, i) => `user-${i}`); // every value distinct
    expect(w.column(many, 1000)[0]).toBe(ANY);
    expect(w.column([1, 'a', null], 3)[0]).toBe(ANY);
  });

  it('skips the dictionary for a while on a named column whose strings did not fit one', () => {
    const w = new ColumnWriter();
    const distinct = Array.from({ length: 1000 }, (_, i) => `url-${i}`);
    const few = Array.from({ length: 1000 }, (_, i) => ['a', 'b'][i % 2]!);
    expect(w.column(distinct, 1000, 'url')[0]).toBe(ANY);
    // The next 16 batches of `url` go straight to msgpack, even when they would fit.
    for (let b = 0; b < 16; b++) expect(w.column(few, 1000, 'url')[0]).toBe(ANY);
    expect(w.column(few, 1000, 'url')[0]).toBe(DICT);
    // Other names, and unnamed columns, are not affected.
    expect(w.column(distinct, 1000, 'url')[0]).toBe(ANY);
    expect(w.column(few, 1000, 'channel')[0]).toBe(DICT);
    expect(w.column(few, 1000)[0]).toBe(DICT);
  });

  it('round-trips every column kind in one batch, including wide dictionaries', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      n: i % 3 === 0 ? i + 0.5 : -i,
      kind: ['a', 'b', 'é', '😀'][i % 4]!,
      wide: `w${i % 300}`, // 300 distinct: 16-bit codes
      id: `id-${i}`, // all distinct: msgpack
      mixed: i % 2 === 0 ? i : String(i),
      nested: { i, list: [i, 'x'] },
    }));
    const d = roundTrip(batch(rows, rows.map((r) => r.kind)));
    expect(d.values).toEqual(rows);
    expect(Array.from(d.keys!)).toEqual(rows.map((r) => r.kind));
    expect(Array.from(d.timestamps)).toEqual(rows.map((_, i) => i));
  });

  it('keeps -0, NaN and infinities in number columns', () => {
    const rows = [{ x: -0 }, { x: NaN }, { x: Infinity }, { x: -Infinity }];
    const d = roundTrip(batch(rows));
    expect(Object.is(d.values[0]!.x, -0)).toBe(true);
    expect(d.values.slice(1)).toEqual(rows.slice(1));
  });

  it('handles field names that are not identifiers without generating code from them', () => {
    const rows = [{ 'a b': 1, 'x"); throw 1; ("': 'v', '0': true }, { 'a b': 2, 'x"); throw 1; ("': 'w', '0': false }];
    expect(roundTrip(batch(rows)).values).toEqual(rows);
  });

  it('decodes a batch that does not start on an 8-byte boundary', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ v: i * 1.5, s: 'k' }));
    const bytes = encodeBatch(batch(rows, rows.map((r) => r.v)));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const d = decodeBatch(shifted.subarray(3));
    expect(d.values).toEqual(rows);
    expect(Array.from(d.keys!)).toEqual(rows.map((r) => r.v));
  });
});

describe('projected batches', () => {
  const rows = [
    { user: 'a', item: 'x', amount: 1 },
    { user: 'b', item: 'y', amount: 2 },
    { user: 'c', amount: 3 }, // no item: crosses as undefined, which the consumer reads as absent
  ];
  const at = (timestamps: number[]): Batch => ({ values: rows, timestamps, keys: ['a', 'b', 'c'], marks: [5, 20], end: false });

  it('sends only the projected fields when every record is after the bound, with keys, timestamps and marks', () => {
    const b = decodeBatch(encodeBatch(at([11, 12, 13]), { fields: ['item'], numeric: [] }, 10));
    expect(b.values).toEqual([{ item: 'x' }, { item: 'y' }, { item: undefined }]);
    expect(Array.from(b.timestamps)).toEqual([11, 12, 13]);
    expect(Array.from(b.keys!)).toEqual(['a', 'b', 'c']);
    expect(b.marks).toEqual([5, 20]);
    expect(decodeBatch(encodeBatch(at([11, 12, 13]), { fields: [], numeric: [] }, 10)).values).toEqual([{}, {}, {}]);
    const nulls = [{ user: 'a', amount: 1 }, { user: 'b', amount: null }, { user: 'c' }];
    expect(decodeBatch(encodeBatch({ ...at([11, 12, 13]), values: nulls }, { fields: ['amount'], numeric: ['amount'] }, 10)).values).toEqual([{ amount: 1 }, { amount: null }, { amount: undefined }]);
  });

  it('sends whole records when a numeric field holds something else (the consumer dead-letters that record)', () => {
    const odd = [{ user: 'a', amount: 1 }, { user: 'b', amount: '2' }, { user: 'c', amount: 3 }];
    expect(decodeBatch(encodeBatch({ ...at([11, 12, 13]), values: odd }, { fields: ['amount'], numeric: ['amount'] }, 10)).values).toEqual(odd);
  });

  it('applies the batch’s watermarks to the records after them', () => {
    // marks [1, 12]: watermark 12 before the second record; so 12 is not safe, 13 is.
    const marked = (ts: number[]): Batch => ({ ...at(ts), marks: [1, 12] });
    expect(decodeBatch(encodeBatch(marked([5, 13, 14]), { fields: ['item'], numeric: [] }, 0)).values).toEqual([{ item: 'x' }, { item: 'y' }, { item: undefined }]);
    expect(decodeBatch(encodeBatch(marked([5, 12, 14]), { fields: ['item'], numeric: [] }, 0)).values).toEqual(rows);
    expect(decodeBatch(encodeBatch({ ...at([5, 13, 14]), marks: [1, -Infinity] }, { fields: ['item'], numeric: [] }, 0)).values).toEqual(rows);
  });

  it('sends whole records when one record is not after the bound (it may be late at the consumer)', () => {
    expect(decodeBatch(encodeBatch(at([11, 10, 13]), { fields: ['item'], numeric: [] }, 10)).values).toEqual(rows);
    expect(decodeBatch(encodeBatch(at([11, NaN, 13]), { fields: ['item'], numeric: [] }, 10)).values).toEqual(rows);
    expect(decodeBatch(encodeBatch(at([11, 12, 13]), { fields: ['item'], numeric: [] }, Infinity)).values).toEqual(rows);
  });
});
