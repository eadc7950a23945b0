import { Packr } from 'msgpackr';
import type { Row } from '../collector.js';
import { align8, ColumnWriter, readColumn, type ColumnDesc } from './batch-columns.js';

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
 * Records of one batch nearly always share a shape, so they are written column by column (see
 * {@link ColumnWriter}): numbers as raw float64, repeated strings through a small dictionary,
 * the rest as msgpack. That is several times cheaper than msgpack per record on both ends, and
 * the whole batch costs one allocation. A batch whose records differ in shape is msgpack'd whole.
 */
export function encodeBatch(b: Batch): Uint8Array {
  const { values, timestamps, keys } = b;
  const n = values.length;
  writer.reset();
  const names = shapeOf(values);
  let columns: ColumnDesc[] | null = null;
  if (names !== undefined) {
    const fields = scratchColumns(names.length, n);
    readerFor(names)(values, fields);
    columns = names.map((_, j) => writer.column(fields[j]!, n));
  }
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
  const values = columns === null ? (rowsOrNames as Row[]) : fromColumns(rowsOrNames as string[], columns.map((c) => readColumn(sections, c, n)), n);
  const b: Batch = { values, timestamps: readColumn(sections, ts, n) as ArrayLike<number>, keys: keys === null ? null : readColumn(sections, keys, n), marks, end };
  if (typeof barrier === 'number') b.barrier = barrier;
  return b;
}

/** The field names shared by every record of the batch, in order; undefined when they differ. */
function shapeOf(values: Row[]): string[] | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  const names = Object.keys(first);
  // '__proto__' would set the prototype of a rebuilt record instead of a field.
  if (names.includes('__proto__')) return undefined;
  for (let i = 1; i < values.length; i++) if (!sameShape(values[i]!, names)) return undefined;
  return names;
}

function sameShape(row: Row, names: string[]): boolean {
  let i = 0;
  for (const k in row) if (k !== names[i++]) return false;
  return i === names.length;
}

/**
 * Per-field arrays the records' values are copied into (column-major) before encoding. Fresh
 * per batch: reused long-lived arrays made the copy several times slower in the workers
 * (profiled: 38 % of a worker's time; old-generation arrays pointing at young values).
 */
function scratchColumns(count: number, n: number): unknown[][] {
  const out = new Array<unknown[]>(count);
  for (let j = 0; j < count; j++) out[j] = new Array<unknown>(n);
  return out;
}

/**
 * Field names that may appear in generated accessor code: plain identifiers only, so the
 * generated text can hold nothing but property names (`__proto__` is refused by shapeOf).
 */
const PLAIN_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Generated accessors kept per shape; past this many shapes, new ones are not cached. */
const MAX_SHAPES = 1000;

type Reader = (rows: Row[], columns: unknown[][]) => void;
type Maker = (columns: ArrayLike<unknown>[], i: number) => Row;
const readers = new Map<string, Reader>();
const makers = new Map<string, Maker>();

/**
 * Copies every record's fields into the columns. For plain-identifier names this is a small
 * function generated per shape (named property loads stay monomorphic: several times faster than
 * `row[name]` over many names); other names use the generic loop. Only field names, checked
 * against {@link PLAIN_NAME}, reach the generated text: never values, never expressions.
 */
function readerFor(names: string[]): Reader {
  const id = names.join(',');
  let read = readers.get(id);
  if (read !== undefined) return read;
  if (names.every((n) => PLAIN_NAME.test(n))) {
    read = new Function('rows', 'c', `const n = rows.length; for (let i = 0; i < n; i++) { const r = rows[i]; ${names.map((n, j) => `c[${j}][i] = r.${n};`).join(' ')} }`) as Reader;
  } else {
    read = (rows, columns) => {
      for (let j = 0; j < names.length; j++) {
        const name = names[j]!;
        const c = columns[j]!;
        for (let i = 0; i < rows.length; i++) c[i] = rows[i]![name];
      }
    };
  }
  if (readers.size < MAX_SHAPES) readers.set(id, read);
  return read;
}

/** Rebuilds record `i` from the columns: one object literal per shape, so records share one hidden class. */
function makerFor(names: string[]): Maker {
  const id = names.join(',');
  let make = makers.get(id);
  if (make !== undefined) return make;
  if (names.every((n) => PLAIN_NAME.test(n))) {
    make = new Function('c', 'i', `return { ${names.map((n, j) => `${n}: c[${j}][i]`).join(', ')} };`) as Maker;
  } else {
    make = (columns, i) => {
      const row: Row = {};
      for (let j = 0; j < names.length; j++) row[names[j]!] = columns[j]![i];
      return row;
    };
  }
  if (makers.size < MAX_SHAPES) makers.set(id, make);
  return make;
}

function fromColumns(names: string[], columns: ArrayLike<unknown>[], n: number): Row[] {
  const make = makerFor(names);
  const rows = new Array<Row>(n);
  for (let i = 0; i < n; i++) rows[i] = make(columns, i);
  return rows;
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
