import type { Compilation, NodeInput, Stream } from './context.js';

/** Kinds whose Flink SQL needs the time column to be a time attribute (window TVFs, over windows, time-bounded joins). */
const NEEDS_EVENT_TIME = new Set(['window.tumbling', 'window.sliding', 'window.session', 'window.global', 'reduce', 'over', 'join.interval', 'join.window']);

/**
 * Refuses a node that needs event time on an input whose time column is no longer a time
 * attribute (see {@link Stream.untimed}); true when the node may compile.
 */
export function eventTimeAvailable(c: Compilation, n: Pick<NodeInput, 'node' | 'index' | 'inputs'>): boolean {
  const why = n.inputs.find((s) => s.untimed !== undefined)?.untimed;
  if (why === undefined || !NEEDS_EVENT_TIME.has(n.node.kind)) return true;
  c.issue(n, 'flink_no_event_time', `it needs event time on Flink, but ${why}; put it before the join, or run on the embedded engine`);
  return false;
}

/** A node's output keeps its input's time column unless it made its own (joins, windows): so it stays untimed after a join. */
export function carryUntimed(out: Stream, inputs: Stream[]): Stream {
  const why = inputs.find((s) => s.untimed !== undefined)?.untimed;
  return why === undefined || out.untimed !== undefined ? out : { ...out, untimed: why };
}
