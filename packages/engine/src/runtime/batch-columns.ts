import { Packr } from 'msgpackr';

/**
 * Column sections of an encoded batch: each column of a batch is written once into a reused
 * scratch buffer as one of three kinds, chosen by looking at its values:
 * - `F64`: every value a number: raw float64, read back as a view (no per-value decoding);
 * - `DICT`: every value a string, few distinct ones (event types, countries, ids of a small
 *   catalog): the distinct strings once, then one 8- or 16-bit index per value;
 * - `ANY`: anything else, as one msgpack array.
 * Sections start at multiples of 8 bytes, so float64 views need no copy on the receiving side.
 */
export const F64 = 0;
export const DICT = 1;
export const ANY = 2;

/** Where a column's section lies and how to read it (msgpack'd in the batch header). */
export type ColumnDesc = [kind: typeof F64, offset: number] | [kind: typeof DICT, offset: number, strings: string[], width: 1 | 2] | [kind: typeof ANY, offset: number, length: number, negativeZeros?: number[]];

/** Past this many distinct strings per value, a dictionary saves nothing: the column is written as ANY. */
const DICT_MAX_SHARE = 0.25;
const DICT_MAX = 65_535;

const anyPackr = new Packr({ useRecords: true, moreTypes: false });

/**
 * Batches a named string column skips the dictionary attempt after one failed. A column of
 * distinct strings (a URL, free text) fails only after `limit` insertions into the dictionary,
 * each hashing a fresh string: 1.2–1.4 % of a Nexmark q4 worker at p=2 (profiled) went there,
 * batch after batch. Retrying now and then lets a column whose values change become a
 * dictionary again.
 */
const DICT_RETRY_BATCHES = 16;

/**
 * Appends column sections to one growable buffer, reused for every batch of the thread: a batch
 * costs one allocation (its output) instead of one typed array per column.
 */
export class ColumnWriter {
  private buf = new ArrayBuffer(1 << 16);
  private bytes = new Uint8Array(this.buf);
  private f64 = new Float64Array(this.buf);
  private u16 = new Uint16Array(this.buf);
  /** Bytes written. */
  length = 0;
  private readonly dict = new Map<string, number>();
  /** Named columns whose dictionary attempt failed: batches left before the next attempt. */
  private readonly noDict = new Map<string, number>();

  reset(): void {
    this.length = 0;
  }

  /** The written sections, copied out. */
  copyTo(out: Uint8Array, at: number): void {
    out.set(this.bytes.subarray(0, this.length), at);
  }

  /**
   * Writes a column of `n` numbers through `fill`, which stores them at `f64[base + i]` and returns
   * how many it stored: the records' fields go straight into the section, with no array between.
   * Undefined (nothing written) when `fill` met a value that is not a number.
   */
  numbers(n: number, fill: (f64: Float64Array, base: number) => number): ColumnDesc | undefined {
    const start = this.length;
    this.ensure(start + 8 * n);
    if (fill(this.f64, start >>> 3) !== n) return undefined;
    this.length = start + 8 * n;
    return [F64, start];
  }

  /**
   * Writes the first `n` values as the smallest kind that holds them. `name` (a record field)
   * remembers for a while that its strings did not fit a dictionary.
   */
  column(values: ArrayLike<unknown>, n: number, name?: string): ColumnDesc {
    const start = this.length;
    this.ensure(start + 8 * n);
    const f64 = this.f64;
    const base = start >>> 3;
    if (values instanceof Float64Array) {
      f64.set(values.length === n ? values : values.subarray(0, n), base);
      this.length = start + 8 * n;
      return [F64, start];
    }
    let i = 0;
    for (; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number') break;
      f64[base + i] = v;
    }
    if (i === n) {
      this.length = start + 8 * n;
      return [F64, start];
    }
    if (i === 0 && this.tryDictionary(name)) {
      const d = this.dictionary(values, n, start);
      if (d !== undefined) return d;
      if (name !== undefined) this.noDict.set(name, DICT_RETRY_BATCHES);
    }
    return this.any(values, n, start);
  }

  private tryDictionary(name: string | undefined): boolean {
    if (name === undefined) return true;
    const skip = this.noDict.get(name);
    if (skip === undefined) return true;
    if (skip <= 1) this.noDict.delete(name);
    else this.noDict.set(name, skip - 1);
    return false;
  }

  private dictionary(values: ArrayLike<unknown>, n: number, start: number): ColumnDesc | undefined {
    const dict = this.dict;
    dict.clear();
    const strings: string[] = [];
    const limit = Math.min(DICT_MAX, Math.max(16, Math.floor(n * DICT_MAX_SHARE)));
    const u16 = this.u16;
    const base = start >>> 1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'string') return undefined;
      // Few distinct strings (the common case) are found by a short scan, cheaper than hashing.
      let code = -1;
      const scan = Math.min(strings.length, 8);
      for (let k = 0; k < scan; k++)
        if (strings[k] === v) {
          code = k;
          break;
        }
      if (code < 0) code = dict.get(v) ?? -1;
      if (code < 0) {
        if (strings.length >= limit) return undefined;
        code = strings.length;
        dict.set(v, code);
        strings.push(v);
      }
      u16[base + i] = code;
    }
    if (strings.length <= 256) {
      // Narrow to bytes in place: byte i never overtakes the 16-bit slot it reads from.
      const bytes = this.bytes;
      for (let i = 0; i < n; i++) bytes[start + i] = u16[base + i]!;
      this.length = align8(start + n);
      return [DICT, start, strings, 1];
    }
    this.length = align8(start + 2 * n);
    return [DICT, start, strings, 2];
  }

  private any(values: ArrayLike<unknown>, n: number, start: number): ColumnDesc {
    const list = new Array<unknown>(n);
    // msgpack writes -0 as the integer 0: where it stands is sent beside the column (rare, so a list).
    let negativeZeros: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === 0 && Object.is(v, -0)) (negativeZeros ??= []).push(i);
      list[i] = v;
    }
    // pack() returns a view into msgpackr's own reusable buffer: copied into ours right away.
    const packed = anyPackr.pack(list);
    this.ensure(start + packed.length);
    this.bytes.set(packed, start);
    this.length = align8(start + packed.length);
    return negativeZeros === undefined ? [ANY, start, packed.length] : [ANY, start, packed.length, negativeZeros];
  }

  private ensure(size: number): void {
    if (size <= this.buf.byteLength) return;
    const next = new ArrayBuffer(align8(Math.max(size, this.buf.byteLength * 2)));
    new Uint8Array(next).set(this.bytes.subarray(0, this.length));
    this.buf = next;
    this.bytes = new Uint8Array(next);
    this.f64 = new Float64Array(next);
    this.u16 = new Uint16Array(next);
  }
}

/**
 * Reads a column written by {@link ColumnWriter} from a received batch (`sections` starts at a
 * multiple of 8 within its buffer when the batch was transferred whole; otherwise it is copied).
 */
export function readColumn(sections: Uint8Array, desc: ColumnDesc, n: number): ArrayLike<unknown> {
  const at = sections.byteOffset + desc[1];
  switch (desc[0]) {
    case F64:
      if (at % 8 === 0) return new Float64Array(sections.buffer, at, n);
      return new Float64Array(sections.buffer.slice(at, at + 8 * n));
    case DICT: {
      const strings = desc[2];
      const out = new Array<string>(n);
      if (desc[3] === 1) {
        const codes = new Uint8Array(sections.buffer, at, n);
        for (let i = 0; i < n; i++) out[i] = strings[codes[i]!]!;
      } else {
        const codes = at % 2 === 0 ? new Uint16Array(sections.buffer, at, n) : new Uint16Array(sections.buffer.slice(at, at + 2 * n));
        for (let i = 0; i < n; i++) out[i] = strings[codes[i]!]!;
      }
      return out;
    }
    default: {
      const values = anyPackr.unpack(sections.subarray(desc[1], desc[1] + desc[2])) as unknown[];
      for (const i of desc[3] ?? []) values[i] = -0;
      return values;
    }
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}
