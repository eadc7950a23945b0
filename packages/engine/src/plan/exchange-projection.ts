import type { AggregateSpec } from '@riffle/shared';
import type { LogicalNode } from './logical-graph.js';

/** Window kinds whose records are either aggregated or late (see {@link exchangeProjection}). */
const WINDOWS = new Set(['window.tumbling', 'window.sliding', 'window.session']);
/** Aggregates that read their field as it is: no expression to fail, no type to check. */
const PLAIN_READS = new Set<AggregateSpec['fn']>(['count_distinct', 'first', 'last']);
const FIELD_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The fields of its input records a node can ever need, when that is fewer than all of them:
 * an exchange into the node then sends only those fields (projection pushdown, as Flink's SQL
 * planner does), with the key and the timestamp, which travel in columns of their own. Undefined:
 * the node needs whole records.
 *
 * Only event-time windows qualify, and only while no record they take can reach the dead-letter
 * output or the `late` port, both of which must show the whole record: every aggregate is
 * `count` (reads nothing) or `count_distinct`/`first`/`last` of a plain field (a read that cannot
 * fail), and a record is sent projected only when the channel's watermark so far is below its
 * timestamp, so it cannot be late on arrival (see `BatchChannel.watermarkBound`). The window's
 * results are built from the key, the window and the aggregates, never from the record.
 */
export function exchangeProjection(node: LogicalNode): string[] | undefined {
  if (!WINDOWS.has(node.kind)) return undefined;
  const fields = new Set<string>();
  for (const a of node.params.aggregate as AggregateSpec[]) {
    if (a.fn === 'count') continue;
    if (!PLAIN_READS.has(a.fn) || a.field === undefined || !FIELD_NAME_RE.test(a.field)) return undefined;
    fields.add(a.field);
  }
  return [...fields];
}
