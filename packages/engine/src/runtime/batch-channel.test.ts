import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, forEachElement, type Batch } from './batch.js';
import { BatchChannel } from './batch-channel.js';

function elements(b: Batch): unknown[] {
  const out: unknown[] = [];
  forEachElement(b, (v, ts, k) => out.push([v, ts, k]), (wm) => out.push(`wm${wm}`));
  if (b.end) out.push('end');
  return out;
}

describe('batch channel', () => {
  it('keeps watermarks and end-of-input in order with the records, across encoding', () => {
    const sent: Batch[] = [];
    const ch = new BatchChannel(encodeBatch, (bytes) => sent.push(decodeBatch(bytes)), 4, 3);
    ch.writeWatermark(1);
    ch.writeRecord({ a: 1 }, 10, 'x');
    ch.writeWatermark(2);
    ch.writeWatermark(3); // supersedes 2: no record between them
    ch.writeRecord({ a: 2 }, 11, 'y');
    ch.writeRecord({ a: 3 }, 12, 'z'); // third record: the batch is full
    ch.writeWatermark(Infinity);
    ch.writeEndOfInput();
    expect(sent.flatMap(elements)).toEqual(['wm1', [{ a: 1 }, 10, 'x'], 'wm3', [{ a: 2 }, 11, 'y'], [{ a: 3 }, 12, 'z'], 'wmInfinity', 'end']);
  });

  it('sends only against credit, holds sealed batches and reports blocked until credit returns', () => {
    const sent: Batch[] = [];
    const ch = new BatchChannel(encodeBatch, (bytes) => sent.push(decodeBatch(bytes)), 2, 2);
    for (let i = 0; i < 8; i++) ch.writeRecord({ i }, 100 + i, i < 6 ? undefined : i);
    expect(sent).toHaveLength(2);
    expect(ch.blocked).toBe(true);
    expect(ch.bufferedRecords).toBe(8);
    ch.addCredits(1);
    expect(sent).toHaveLength(3);
    expect(ch.blocked).toBe(true);
    expect(ch.bufferedRecords).toBe(6);
    ch.addCredits(3);
    expect(sent).toHaveLength(4);
    expect(ch.blocked).toBe(false);
    expect(sent.flatMap((b) => b.values.map((v) => v.i))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Batches that waited for credit kept their own timestamps and keys (they were encoded when sealed).
    expect(sent.flatMap((b) => Array.from(b.timestamps))).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    expect(sent[0]!.keys).toBeNull();
    expect(Array.from(sent[3]!.keys!)).toEqual([6, 7]);
  });

  it('gives each batch its own keys and timestamps although the channel reuses their arrays: numbers, strings, missing keys, -0', () => {
    const sent: Batch[] = [];
    const ch = new BatchChannel(encodeBatch, (bytes) => sent.push(decodeBatch(bytes)), 100, 3);
    const keysOf = (b: Batch) => (b.keys === null ? null : Array.from(b.keys));
    // Full batches: numbers (one of them -0), then a string after numbers.
    ch.writeRecord({ i: 0 }, 10, 1);
    ch.writeRecord({ i: 1 }, 11, -0);
    ch.writeRecord({ i: 2 }, 12, 3);
    ch.writeRecord({ i: 3 }, 13, 4);
    ch.writeRecord({ i: 4 }, 14, 'five');
    ch.writeRecord({ i: 5 }, 15, true);
    // Undefined keys only (a non-keyed stream), then a number after an undefined one.
    ch.writeRecord({ i: 6 }, 16, undefined);
    ch.writeRecord({ i: 7 }, 17, undefined);
    ch.writeRecord({ i: 8 }, 18, undefined);
    ch.writeRecord({ i: 9 }, 19, undefined);
    ch.writeRecord({ i: 10 }, 20, 7);
    ch.writeRecord({ i: 11 }, 21, undefined);
    // A barrier seals a batch early: one record, nothing left over from the full batches before.
    ch.writeRecord({ i: 12 }, 22, 8);
    ch.writeBarrier(1);
    expect(sent.map((b) => b.values.map((v) => v.i))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12]]);
    expect(sent.map((b) => Array.from(b.timestamps))).toEqual([[10, 11, 12], [13, 14, 15], [16, 17, 18], [19, 20, 21], [22]]);
    expect(sent.map(keysOf)).toEqual([[1, -0, 3], [4, 'five', true], null, [undefined, 7, undefined], [8]]);
    expect(Object.is(sent[0]!.keys![1], -0)).toBe(true);
  });
});

describe('batch encoding', () => {
  it('round-trips same-shape records column by column, and mixed shapes as they are', () => {
    const same = [{ a: 1, s: 'x', n: null }, { a: -0.5, s: 'y', n: 2 }, { a: Infinity, s: 'z', n: 3 }];
    const b: Batch = { values: same, timestamps: [1, 2, NaN], keys: ['k', 2, true], marks: [3, -Infinity], end: true };
    const d = decodeBatch(encodeBatch(b));
    expect(d.values).toEqual(same);
    expect(Array.from(d.timestamps)).toEqual([1, 2, NaN]);
    expect(Array.from(d.keys!)).toEqual(['k', 2, true]);
    expect(d.marks).toEqual([3, -Infinity]);
    expect(d.end).toBe(true);
    const mixed = [{ a: 1 }, { b: 2 }, { a: 1, b: { nested: [1, 2] } }];
    expect(decodeBatch(encodeBatch({ ...b, values: mixed, timestamps: [1, 2, 3], keys: null })).values).toEqual(mixed);
    const proto = [JSON.parse('{"__proto__": 5}')];
    // A "__proto__" field never becomes a prototype (msgpackr renames it on the fallback path).
    expect(Object.getPrototypeOf(decodeBatch(encodeBatch({ ...b, values: proto, timestamps: [1], keys: null })).values[0]!)).toBe(Object.prototype);
  });
});

describe('batch channel watermark bound', () => {
  it('is the highest watermark written before the open batch, and +∞ for good once the channel was marked idle', () => {
    const ch = new BatchChannel(encodeBatch, () => {}, 16, 2);
    expect(ch.watermarkBound).toBe(-Infinity);
    ch.writeWatermark(5);
    ch.writeRecord({ a: 1 }, 6, undefined);
    ch.writeWatermark(3);
    expect(ch.watermarkBound).toBe(-Infinity); // the open batch's watermarks count per record (encodeBatch)
    ch.writeRecord({ a: 2 }, 7, undefined); // full: sealed
    expect(ch.watermarkBound).toBe(5);
    ch.writeWatermark(-Infinity); // IDLE_WATERMARK: the consumer leaves the channel out of its minimum
    ch.writeRecord({ a: 3 }, 8, undefined);
    ch.writeWatermark(9);
    ch.writeEndOfInput();
    expect(ch.watermarkBound).toBe(Infinity);
  });
});
