import { Packr } from 'msgpackr';
import type { Row } from '../collector.js';

/**
 * A batch of stream elements on one channel of an exchange: records, and the watermarks and
 * end-of-input that travel in-band with them. A watermark is stored with its position (the
 * number of records before it), so order is kept without one object per element.
 */
export interface Batch {
  values: Row[];
  timestamps: number[];
  /** The records' keys on a keyed stream; null when no record carries one. */
  keys: unknown[] | null;
  /** Pairs `(position, watermark)`, positions non-decreasing. */
  marks: number[];
  /** The producer's last batch on this channel. */
  end: boolean;
}

// Records mode: a record's field names are written once per batch (structure), not per record.
const packr = new Packr({ useRecords: true, moreTypes: false });

/** Encodes a batch for another thread. Returns a fresh buffer that can be transferred. */
export function encodeBatch(b: Batch): Uint8Array {
  const packed = packr.pack([b.values, b.timestamps, b.keys, b.marks, b.end]);
  // pack() returns a view into msgpackr's reusable buffer: copy only this batch's bytes.
  return new Uint8Array(packed);
}

export function decodeBatch(bytes: Uint8Array): Batch {
  const [values, timestamps, keys, marks, end] = packr.unpack(bytes) as [Row[], number[], unknown[] | null, number[], boolean];
  return { values, timestamps, keys, marks, end };
}

/** Feeds a batch's elements, in order, to a receiver. */
export function forEachElement(
  b: Batch,
  record: (value: Row, timestamp: number, key: unknown) => void,
  watermark: (wm: number) => void,
): void {
  const { values, timestamps, keys, marks } = b;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    while (m < marks.length && marks[m] === i) {
      watermark(marks[m + 1]!);
      m += 2;
    }
    record(values[i]!, timestamps[i]!, keys === null ? undefined : keys[i]);
  }
  for (; m < marks.length; m += 2) watermark(marks[m + 1]!);
}
