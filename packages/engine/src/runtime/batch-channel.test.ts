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
    const ch = new BatchChannel((b) => sent.push(decodeBatch(encodeBatch(b))), 4, 3);
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
    const ch = new BatchChannel((b) => sent.push(b), 2, 2);
    for (let i = 0; i < 8; i++) ch.writeRecord({ i }, 0, undefined);
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
    expect(sent[0]!.keys).toBeNull();
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
