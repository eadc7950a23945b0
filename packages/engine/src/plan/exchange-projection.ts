import type { AggregateSpec } from '@riffle/shared';
import { isPlainField } from '../field-accessor.js';
import { NUMERIC_AGGREGATES } from '../windows/window-aggregate.js';
import type { LogicalNode } from './logical-graph.js';

/** Window kinds whose records are either aggregated or late (see {@link exchangeProjection}). */
const WINDOWS = new Set(['window.tumbling', 'window.sliding', 'window.session']);
/** Aggregates that take their field's value as it is: no type to check. */
const PLAIN_READS = new Set<AggregateSpec['fn']>(['count_distinct', 'first', 'last']);

/** What crosses an exchange into a node, when not whole records. */
export interface Projection {
  /** The only fields sent. */
  fields: readonly string[];
  /** Of those, the ones an aggregate needs as numbers: a batch with another value there crosses whole. */
  numeric: readonly string[];
}

/**
 * The fields of its input records a node can ever need, when that is fewer than all of them:
 * an exchange into the node then sends only those fields (projection pushdown, as Flink's SQL
 * planner does), with the key and the timestamp, which travel in columns of their own. Undefined:
 * the node needs whole records.
 *
 * Only windows qualify, and only records that cannot reach the dead-letter output or the `late`
 * port, both of which must show the whole record. Every aggregate is `count` (reads nothing), or
 * reads a plain field (no expression that could fail): `count_distinct`/`first`/`last` take any
 * value; `sum`/`avg`/`min`/`max` dead-letter a value that is not a number, so a batch crosses
 * projected only when all its values there are numbers, null or absent (`numeric`). And a batch
 * crosses projected only when each of its records is after the watermark in effect on its channel
 * when it was written, so none can be late on arrival (see `BatchChannel.watermarkBound` and
 * `encodeBatch`). `top_n` keeps whole records: never projected. The window's results are built
 * from the key, the window and the aggregates.
 */
export function exchangeProjection(node: LogicalNode): Projection | undefined {
  if (!WINDOWS.has(node.kind)) return undefined;
  const fields = new Set<string>();
  const numeric = new Set<string>();
  for (const a of node.params.aggregate as AggregateSpec[]) {
    if (a.fn === 'count') continue;
    if (a.fn === 'top_n' || a.field === undefined || !isPlainField(a.field)) return undefined;
    if (NUMERIC_AGGREGATES.has(a.fn)) numeric.add(a.field);
    else if (!PLAIN_READS.has(a.fn)) return undefined;
    fields.add(a.field);
  }
  return { fields: [...fields], numeric: [...numeric] };
}
