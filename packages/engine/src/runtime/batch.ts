import { Packr } from 'msgpackr';
import type { Row } from '../collector.js';
import { align8, ColumnWriter, readColumn, type ColumnDesc } from './batch-columns.js';
import { fieldNumbers, fieldValues, makeRows } from './batch-rows.js';
import type { Projection } from '../plan/exchange-projection.js';
import { IDLE_WATERMARK } from '../time/watermark-status.js';

/**
 * A batch of stream elements on one channel of an exchange: records, and the watermarks and
 * end-of-input that travel in-band with them. A watermark is stored with its position (the
 * number of records before it), so order is kept without one object per element.
 */
export interface Batch {
  values: Row[];
  timestamps: ArrayLike<number>;
  /** The records' keys on a keyed stream; null when no record carries one. */
  keys: ArrayLike<unknown> | null;
  /** Pairs `(position, watermark)`, positions non-decreasing. */
  marks: number[];
  /** The producer's last batch on this channel. */
  end: boolean;
  /** A checkpoint barrier after every element of the batch (a barrier seals the batch it ends). */
  barrier?: number;
}

// Records mode: the field names of fallback (mixed-shape) records are written once per batch.
const packr = new Packr({ useRecords: true, moreTypes: false });
const writer = new ColumnWriter();
/** Bytes before the header: its length and where the column sections start (little-endian u32s). */
const PREFIX = 8;

/** What the header of an encoded batch holds, in this order. */
type Header = [
  rowsOrNames: Row[] | string[],
  columns: ColumnDesc[] | null,
  timestamps: ColumnDesc,
  keys: ColumnDesc | null,
  marks: number[],
  end: boolean,
  barrier: number | null,
  rows: number,
];

/**
 * Encodes a batch for another thread. Returns a fresh buffer that can be transferred.
 *
 * `project`: the only fields the consumer reads (see `exchangeProjection`); the records cross
 * with just those (a missing one as undefined) when every record's timestamp is after the
 * watermark in effect when it was written (`safeAfter`, the channel's `watermarkBound`, raised by
 * the batch's own watermarks before it: no such record can be late at the consumer) and
 * every value of a `numeric` field is a number, null or absent (the consumer dead-letters the
 * record otherwise); whole otherwise.
 *
 * Records of one batch nearly always share a shape, so they are written column by column (see
 * {@link ColumnWriter}): numbers as raw float64, repeated strings through a small dictionary,
 * the rest as msgpack. That is several times cheaper than msgpack per record on both ends, and
 * the whole batch costs one allocation. A batch whose records differ in shape is msgpack'd whole.
 */
export function encodeBatch(b: Batch, project?: Projection, safeAfter = Infinity): Uint8Array {
  const { values, timestamps, keys } = b;
  const n = values.length;
  writer.reset();
  // Projected, every record crosses with the same fields (one it lacks reads as undefined, as an
  // absent field does for the consumer), so the records' shapes need no check.
  const names = project !== undefined && n > 0 && projectable(b, project, safeAfter) ? (project.fields as string[]) : shapeOf(values);
  let columns: ColumnDesc[] | null = null;
  if (names !== undefined)
    columns = names.map((_, j) => writer.numbers(n, (f64, base) => fieldNumbers(values, names, j, f64, base, n)) ?? writer.column(fieldValues(values, names, j, n), n, names[j]));
  const header: Header = [
    names ?? values,
    columns,
    writer.column(timestamps, n),
    keys === null ? null : writer.column(keys, n),
    b.marks,
    b.end,
    b.barrier ?? null,
    n,
  ];
  // pack() returns a view into msgpackr's reusable buffer: copied into the output below.
  const head = packr.pack(header);
  const sectionsAt = align8(PREFIX + head.length);
  const out = new Uint8Array(sectionsAt + writer.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, head.length, true);
  dv.setUint32(4, sectionsAt, true);
  out.set(head, PREFIX);
  writer.copyTo(out, sectionsAt);
  return out;
}

export function decodeBatch(bytes: Uint8Array): Batch {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, PREFIX);
  const headLength = dv.getUint32(0, true);
  const [rowsOrNames, columns, ts, keys, marks, end, barrier, n] = packr.unpack(bytes.subarray(PREFIX, PREFIX + headLength)) as Header;
  const sections = bytes.subarray(dv.getUint32(4, true));
  const values = columns === null ? (rowsOrNames as Row[]) : makeRows(rowsOrNames as string[], columns.map((c) => readColumn(sections, c, n)), n);
  const b: Batch = { values, timestamps: readColumn(sections, ts, n) as ArrayLike<number>, keys: keys === null ? null : readColumn(sections, keys, n), marks, end };
  if (typeof barrier === 'number') b.barrier = barrier;
  return b;
}

/** A channel's watermark bound after `watermark` (see `BatchChannel.watermarkBound`). */
export function raiseBound(bound: number, watermark: number): number {
  return watermark === IDLE_WATERMARK ? Infinity : watermark > bound ? watermark : bound;
}

/** Whether every record is after the watermark in effect when it was written, and numbers are numbers. */
function projectable(b: Batch, project: Projection, bound: number): boolean {
  const { timestamps, values, marks } = b;
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (; m < marks.length && marks[m]! <= i; m += 2) bound = raiseBound(bound, marks[m + 1]!);
    if (!(timestamps[i]! > bound)) return false;
  }
  for (const f of project.numeric) if (!numbersOnly(values, f, n)) return false;
  return true;
}

function numbersOnly(rows: Row[], field: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const v = rows[i]![field];
    if (typeof v !== 'number' && v !== null && v !== undefined) return false;
  }
  return true;
}

/** The field names shared by every record of the batch, in order; undefined when they differ. */
function shapeOf(values: Row[]): string[] | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  const names = Object.keys(first);
  for (let i = 1; i < values.length; i++) if (!sameShape(values[i]!, names)) return undefined;
  return names;
}

function sameShape(row: Row, names: string[]): boolean {
  let i = 0;
  for (const k in row) if (k !== names[i++]) return false;
  return i === names.length;
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
