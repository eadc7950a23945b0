import type { AggregateSpec, RecordSchema } from '@riffle/shared';
import { compileAccessor, type Accessor } from '../field-accessor.js';

/**
 * The accumulators of one window and key, in one flat array allocated once per (window, key):
 * slot 0 counts records; aggregate j owns slots 1+2j (running sum / min / max) and 2+2j (how many
 * non-null values it saw). Null or missing values are ignored, as in SQL.
 */
export type Accumulator = Float64Array;

export class Aggregates {
  readonly names: string[];
  private readonly fns: AggregateSpec['fn'][];
  /** One per aggregate; undefined for count. */
  readonly inputs: Array<Accessor | undefined>;
  private readonly template: Float64Array;

  constructor(specs: AggregateSpec[], schema: RecordSchema) {
    this.names = specs.map((a) => a.as);
    this.fns = specs.map((a) => a.fn);
    this.inputs = specs.map((a) => (a.fn === 'count' || a.field === undefined ? undefined : compileAccessor(a.field, schema)));
    this.template = new Float64Array(1 + 2 * specs.length);
    specs.forEach((a, j) => {
      if (a.fn === 'min') this.template[1 + 2 * j] = Infinity;
      if (a.fn === 'max') this.template[1 + 2 * j] = -Infinity;
    });
  }

  create(): Accumulator {
    return this.template.slice();
  }

  /** Adds one record, given the values of its aggregate inputs (already checked to be numbers or null). */
  add(acc: Accumulator, values: unknown[]): void {
    acc[0]!++;
    for (let j = 0; j < this.fns.length; j++) {
      const v = values[j];
      if (typeof v !== 'number') continue;
      const at = 1 + 2 * j;
      const fn = this.fns[j];
      if (fn === 'sum' || fn === 'avg') acc[at]! += v;
      else if (fn === 'min') acc[at] = Math.min(acc[at]!, v);
      else if (fn === 'max') acc[at] = Math.max(acc[at]!, v);
      acc[at + 1]!++;
    }
  }

  /** Writes the results into `out` under their `as` names (null when no value was seen). */
  writeResults(acc: Accumulator, out: Record<string, unknown>): void {
    for (let j = 0; j < this.fns.length; j++) {
      const fn = this.fns[j];
      const seen = acc[2 + 2 * j]!;
      const v = acc[1 + 2 * j]!;
      out[this.names[j]!] = fn === 'count' ? acc[0] : seen === 0 ? null : fn === 'avg' ? v / seen : v;
    }
  }
}
