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
