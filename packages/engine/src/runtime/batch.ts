import { Packr } from 'msgpackr';
import type { Row } from '../collector.js';

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

// Records mode: a record's field names are written once per batch (structure), not per record.
const packr = new Packr({ useRecords: true, moreTypes: false });

/**
 * Encodes a batch for another thread. Returns a fresh buffer that can be transferred.
 *
 * Records of one batch nearly always share a shape, so they are written column by column: a
 * column of numbers as raw float64 bytes, any other column as a msgpack array. That is several
 * times cheaper than msgpack per record on both ends; a batch whose records differ in shape
 * falls back to plain msgpack.
 */
export function encodeBatch(b: Batch): Uint8Array {
  const columns = toColumns(b.values);
  const packed = packr.pack([
    columns === undefined ? b.values : columns.names,
    columns?.columns ?? null,
    f64Bytes(b.timestamps),
    b.keys === null ? null : toColumn(Array.isArray(b.keys) ? b.keys : Array.from(b.keys)),
    b.marks,
    b.end,
    b.barrier ?? null,
  ]);
  // pack() returns a view into msgpackr's reusable buffer: copy only this batch's bytes.
  return new Uint8Array(packed);
}

export function decodeBatch(bytes: Uint8Array): Batch {
  const [rowsOrNames, columns, ts, keys, marks, end, barrier] = packr.unpack(bytes) as [
    Row[] | string[],
    Array<Uint8Array | unknown[]> | null,
    Uint8Array,
    Uint8Array | unknown[] | null,
    number[],
    boolean,
    number | null | undefined,
  ];
  const timestamps = fromF64Bytes(ts);
  const values = columns === null ? (rowsOrNames as Row[]) : fromColumns(rowsOrNames as string[], columns.map(fromColumn), timestamps.length);
  const b: Batch = { values, timestamps, keys: keys === null ? null : fromColumn(keys), marks, end };
  if (typeof barrier === 'number') b.barrier = barrier;
  return b;
}

function f64Bytes(numbers: ArrayLike<number>): Uint8Array {
  // A plain loop: Float64Array.from goes through the iterator protocol.
  const n = numbers.length;
  const f64 = new Float64Array(n);
  for (let i = 0; i < n; i++) f64[i] = numbers[i]!;
  return new Uint8Array(f64.buffer);
}

function fromF64Bytes(bytes: Uint8Array): Float64Array {
  // Copy: the received bytes need not be 8-byte aligned.
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function fromColumn(c: Uint8Array | unknown[]): ArrayLike<unknown> {
  return Array.isArray(c) ? c : fromF64Bytes(c);
}

/** A column: raw float64 bytes when every value is a number, else the values themselves. */
function toColumn(values: unknown[]): Uint8Array | unknown[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number') return values;
  return f64Bytes(values as number[]);
}

type ColumnReader = (rows: Row[], generic: (f64: Float64Array, upTo: number) => unknown[]) => Array<Float64Array | unknown[]>;
const readers = new Map<string, ColumnReader>();

/** The first `upTo` numbers of a column that turned out not to be all numbers, as a plain array. */
function toGeneric(f64: Float64Array, upTo: number): unknown[] {
  const out = new Array<unknown>(f64.length);
  for (let i = 0; i < upTo; i++) out[i] = f64[i];
  return out;
}

function toColumns(values: Row[]): { names: string[]; columns: Array<Uint8Array | unknown[]> } | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  const names = Object.keys(first);
  // '__proto__' would be a prototype, not a field, in the generated object literal.
  if (names.includes('__proto__')) return undefined;
  for (let i = 1; i < values.length; i++) if (!sameShape(values[i]!, names)) return undefined;
  const id = JSON.stringify(names);
  let read = readers.get(id);
  if (read === undefined) {
    // One reader per shape: named property loads stay monomorphic (a shared `row[name]` would
    // not), and numbers go straight into a Float64Array (no boxing in an intermediate array).
    const js = names.map((_, j) => j);
    read = new Function(
      'rows',
      'generic',
      `const n = rows.length; ${js.map((j) => `const f${j} = new Float64Array(n); let g${j} = null;`).join(' ')}
       for (let i = 0; i < n; i++) {
         const r = rows[i]; let v;
         ${names
           .map(
             (name, j) => `v = r[${JSON.stringify(name)}];
         if (g${j} !== null) g${j}[i] = v; else if (typeof v === 'number') f${j}[i] = v; else { g${j} = generic(f${j}, i); g${j}[i] = v; }`,
           )
           .join('\n')}
       }
       return [${js.map((j) => `g${j} ?? f${j}`).join(', ')}];`,
    ) as ColumnReader;
    if (readers.size < 1000) readers.set(id, read);
  }
  return { names, columns: read(values, toGeneric).map((c) => (c instanceof Float64Array ? new Uint8Array(c.buffer) : c)) };
}

function sameShape(row: Row, names: string[]): boolean {
  let i = 0;
  for (const k in row) if (k !== names[i++]) return false;
  return i === names.length;
}

type RowMaker = (columns: ArrayLike<unknown>[], i: number) => Row;
const makers = new Map<string, RowMaker>();

/** Rebuilds records with one object literal per shape, so they get a single hidden class. */
function fromColumns(names: string[], columns: ArrayLike<unknown>[], n: number): Row[] {
  const id = JSON.stringify(names);
  let make = makers.get(id);
  if (make === undefined) {
    // Field names are JSON-quoted, so any name is a plain property key here.
    make = new Function('c', 'i', `return {${names.map((name, j) => `${JSON.stringify(name)}: c[${j}][i]`).join(', ')}};`) as RowMaker;
    if (makers.size < 1000) makers.set(id, make);
  }
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
