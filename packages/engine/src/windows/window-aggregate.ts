import { ExpressionEvaluationError, type AggregateSpec, type RecordSchema } from '@riffle/shared';
import type { Row } from '../collector.js';
import { compileAccessor, type Accessor } from '../field-accessor.js';
import type { AggregateFunction } from '../state/descriptors.js';

/**
 * The accumulator of one window (or pane) and key: slot 0 counts records, slot 1 + j belongs to
 * aggregate j. Every slot is plain arrays and numbers except count_distinct's Set, which the
 * state serializer turns into an array for snapshots.
 *
 * - sum, avg: `[sum, seen]`; min, max: `[value, seen]` (null values are ignored, as in SQL)
 * - first, last: `[value, timestamp]` or null — by event timestamp, so the result does not depend
 *   on arrival order (ties keep the earlier arrival)
 * - count_distinct: a Set of the non-null values
 * - top_n: `[rank, timestamp, record][]`, highest rank first, at most n
 */
export type WindowAccumulator = unknown[];

/** One input record, read once: its aggregate input values, the record and its timestamp. */
export interface WindowInput {
  values: unknown[];
  record: Row;
  timestamp: number;
}

/** An aggregate input that could not be read: the error and the aggregate, as error messages quote it. */
export interface AggregateInputError {
  error: Error;
  expression: string;
}

type Slot = [number, number];
type Stamped = [unknown, number] | null;
type Ranked = Array<[number, number, Row]>;

/** Aggregates whose input must be a number: another value (null and absent aside) is the record's error. */
export const NUMERIC_AGGREGATES: ReadonlySet<AggregateSpec['fn']> = new Set<AggregateSpec['fn']>(['sum', 'min', 'max', 'avg', 'top_n']);

/** The aggregates of a window node as one Flink AggregateFunction (add, merge for panes and sessions, result). */
export class WindowAggregate implements AggregateFunction<WindowInput, WindowAccumulator, Row> {
  readonly names: string[];
  private readonly specs: AggregateSpec[];
  private readonly inputs: Array<Accessor | undefined>;
  readonly values: unknown[];
  /** Each aggregate as error messages quote it, e.g. `total = sum(price * qty)`. */
  private readonly texts: string[];

  constructor(specs: AggregateSpec[], schema: RecordSchema) {
    this.specs = specs;
    this.names = specs.map((a) => a.as);
    this.inputs = specs.map((a) => (a.fn === 'count' || a.field === undefined ? undefined : compileAccessor(a.field, schema)));
    this.values = new Array<unknown>(specs.length);
    this.texts = specs.map((a) => `${a.as} = ${a.fn}(${a.field ?? ''})`);
  }

  /**
   * Evaluates the aggregate inputs of a record into {@link values}; returns what failed (the
   * caller applies its `onError` policy) when one fails or is not a number where one is needed.
   */
  readInputs(record: Row): AggregateInputError | undefined {
    for (let j = 0; j < this.inputs.length; j++) {
      const read = this.inputs[j];
      if (read === undefined) continue;
      let v: unknown;
      try {
        v = read(record);
      } catch (e) {
        if (!(e instanceof ExpressionEvaluationError)) throw e;
        return { error: e, expression: this.texts[j]! };
      }
      if (v !== undefined && v !== null && typeof v !== 'number' && NUMERIC_AGGREGATES.has(this.specs[j]!.fn))
        return { error: new Error(`aggregate "${this.names[j]}": value ${JSON.stringify(v)} is not a number`), expression: this.texts[j]! };
      this.values[j] = v;
    }
    return undefined;
  }

  createAccumulator(): WindowAccumulator {
    const acc: unknown[] = [0];
    for (const a of this.specs) {
      if (a.fn === 'sum' || a.fn === 'avg') acc.push([0, 0]);
      else if (a.fn === 'min') acc.push([Infinity, 0]);
      else if (a.fn === 'max') acc.push([-Infinity, 0]);
      else if (a.fn === 'first' || a.fn === 'last') acc.push(null);
      else if (a.fn === 'count_distinct') acc.push(new Set());
      else if (a.fn === 'top_n') acc.push([]);
      else acc.push(null);
    }
    return acc;
  }

  add(acc: WindowAccumulator, input: WindowInput): WindowAccumulator {
    acc[0] = (acc[0] as number) + 1;
    for (let j = 0; j < this.specs.length; j++) {
      const v = input.values[j];
      if (v === undefined || v === null) continue;
      const fn = this.specs[j]!.fn;
      const slot = acc[j + 1];
      if (fn === 'sum' || fn === 'avg') {
        (slot as Slot)[0] += v as number;
        (slot as Slot)[1]++;
      } else if (fn === 'min' || fn === 'max') {
        const s = slot as Slot;
        s[0] = fn === 'min' ? Math.min(s[0], v as number) : Math.max(s[0], v as number);
        s[1]++;
      } else if (fn === 'first' || fn === 'last') acc[j + 1] = pickStamped(fn, slot as Stamped, [v, input.timestamp]);
      else if (fn === 'count_distinct') (slot as Set<unknown>).add(v);
      else if (fn === 'top_n') insertRanked(slot as Ranked, [v as number, input.timestamp, input.record], this.specs[j]!.n ?? 1);
    }
    return acc;
  }

  /** Whether every aggregate can take a value back out (count, sum, avg): see {@link retract}. */
  get retractable(): boolean {
    return this.specs.every((a) => a.fn === 'count' || a.fn === 'sum' || a.fn === 'avg');
  }

  /**
   * Takes a record's aggregate inputs (as {@link readInputs} read them) back out of `acc`: the
   * inverse of {@link add}, for {@link retractable} aggregates only (an upsert replacing a row).
   */
  retract(acc: WindowAccumulator, values: readonly unknown[]): void {
    acc[0] = (acc[0] as number) - 1;
    for (let j = 0; j < this.specs.length; j++) {
      const v = values[j];
      if (v === undefined || v === null || this.specs[j]!.fn === 'count') continue;
      const slot = acc[j + 1] as Slot;
      slot[0] -= v as number;
      slot[1]--;
    }
  }

  /** Merges two accumulators into a new one; neither input is changed (panes are merged into many windows). */
  merge(a: WindowAccumulator, b: WindowAccumulator): WindowAccumulator {
    const out: unknown[] = [(a[0] as number) + (b[0] as number)];
    for (let j = 0; j < this.specs.length; j++) {
      const fn = this.specs[j]!.fn;
      const x = a[j + 1];
      const y = b[j + 1];
      if (fn === 'sum' || fn === 'avg') out.push([(x as Slot)[0] + (y as Slot)[0], (x as Slot)[1] + (y as Slot)[1]]);
      else if (fn === 'min' || fn === 'max') {
        const f = fn === 'min' ? Math.min : Math.max;
        out.push([f((x as Slot)[0], (y as Slot)[0]), (x as Slot)[1] + (y as Slot)[1]]);
      } else if (fn === 'first' || fn === 'last') out.push(y === null ? x : pickStamped(fn, x as Stamped, y as [unknown, number]));
      else if (fn === 'count_distinct') out.push(new Set([...(x as Set<unknown>), ...(y as Set<unknown>)]));
      else if (fn === 'top_n') {
        const merged = (x as Ranked).slice();
        for (const r of y as Ranked) insertRanked(merged, r, this.specs[j]!.n ?? 1);
        out.push(merged);
      } else out.push(null);
    }
    return out;
  }

  /** The output fields, under their `as` names (null when no value was seen). */
  getResult(acc: WindowAccumulator): Row {
    const out: Row = {};
    this.writeResults(acc, out);
    return out;
  }

  writeResults(acc: WindowAccumulator, out: Row): void {
    for (let j = 0; j < this.specs.length; j++) {
      const fn = this.specs[j]!.fn;
      const slot = acc[j + 1];
      let v: unknown;
      if (fn === 'count') v = acc[0];
      else if (fn === 'sum' || fn === 'min' || fn === 'max') v = (slot as Slot)[1] === 0 ? null : (slot as Slot)[0];
      else if (fn === 'avg') v = (slot as Slot)[1] === 0 ? null : (slot as Slot)[0] / (slot as Slot)[1];
      else if (fn === 'first' || fn === 'last') v = slot === null ? null : (slot as [unknown, number])[0];
      else if (fn === 'count_distinct') v = (slot as Set<unknown>).size;
      else if (fn === 'top_n') v = (slot as Ranked).map((r) => r[2]);
      out[this.names[j]!] = v;
    }
  }

  /** Snapshot form (msgpackr has no Set): count_distinct slots become arrays. */
  readonly serializer = {
    toPlain: (acc: unknown): unknown =>
      (acc as unknown[]).map((slot, i) => (i > 0 && this.specs[i - 1]!.fn === 'count_distinct' ? [...(slot as Set<unknown>)] : slot)),
    fromPlain: (plain: unknown): unknown =>
      (plain as unknown[]).map((slot, i) => (i > 0 && this.specs[i - 1]!.fn === 'count_distinct' ? new Set(slot as unknown[]) : slot)),
  };
}

function pickStamped(fn: 'first' | 'last', cur: Stamped, next: [unknown, number]): [unknown, number] {
  if (cur === null) return next;
  if (fn === 'first') return next[1] < cur[1] ? next : cur;
  return next[1] > cur[1] ? next : cur;
}

/** Keeps `list` sorted by rank descending (ties: earlier timestamp first) and at most n long. */
function insertRanked(list: Ranked, item: [number, number, Row], n: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]![0] < item[0] || (list[i - 1]![0] === item[0] && list[i - 1]![1] > item[1]))) i--;
  if (i >= n) return;
  list.splice(i, 0, item);
  if (list.length > n) list.length = n;
}
