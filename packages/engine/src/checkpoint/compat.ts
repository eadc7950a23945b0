import type { LogicalGraph } from '../plan/logical-graph.js';
import type { CheckpointExtra } from './coordinator.js';

/** The job's operators and edges as a snapshot records them (`_metadata.extra.topology`). */
export interface SnapshotTopology {
  /** [node id, kind] */
  nodes: Array<[string, string]>;
  /** `from|to|fromPort|toPort` */
  edges: string[];
}

/** A snapshot operator that cannot be restored into the job, named, with what to do. */
export interface Mismatch {
  nodeId?: string;
  reason: string;
}

const edgeKey = (e: { from: string; to: string; fromPort?: string; toPort?: string }) => [e.from, e.to, e.fromPort ?? '', e.toPort ?? ''].join('|');

export function topologyOf(graph: LogicalGraph): SnapshotTopology {
  return {
    nodes: graph.nodes.map((n) => [n.id, n.kind]),
    edges: graph.nodes.flatMap((n) => n.outEdges.map(edgeKey)).sort(),
  };
}

/**
 * What shapes an operator's stored state, per node: its aggregate list (the accumulators a window,
 * reduce or over keeps per key are built from it, so another list would read old accumulators as
 * if they were new ones). Nodes without aggregates are left out.
 */
export function stateShapesOf(graph: LogicalGraph): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of graph.nodes) if (Array.isArray(n.params.aggregate)) out[n.id] = JSON.stringify(n.params.aggregate.map(shapeOf));
  return out;
}

/** An aggregate's fields that decide its accumulator (not its output name's position in the record). */
function shapeOf(a: { fn?: unknown; field?: unknown; as?: unknown; n?: unknown }): string {
  return [a.fn, a.field ?? '', a.as, a.n ?? ''].join(':');
}

/**
 * Matches a snapshot's operators with the job's by node id (Flink's operator uid): every operator
 * with state in the snapshot must be in the job with the same kind and inputs, unless
 * `allowNonRestoredState` lets a removed operator's state be dropped (Flink's
 * `--allowNonRestoredState`); an operator the snapshot does not know, or whose aggregate list
 * changed, is refused naming it. Returns the node ids whose state is dropped.
 * Snapshots written before the topology was recorded are checked by fingerprint only (the caller).
 */
export function matchOperators(extra: CheckpointExtra, graph: LogicalGraph, allowNonRestoredState: boolean): { dropped: string[] } | Mismatch {
  const topo = extra.topology!;
  const kinds = new Map(topo.nodes);
  const dropped: string[] = [];
  for (const [id, kind] of topo.nodes) {
    const now = graph.byId.get(id);
    if (now === undefined) {
      if (!allowNonRestoredState)
        return { nodeId: id, reason: `operator ${id} (${kind}) is in the snapshot but not in this job; put it back, or restore with allowNonRestoredState to drop its state` };
      dropped.push(id);
    } else if (now.kind !== kind) {
      return { nodeId: id, reason: `operator ${id} is a ${kind} in the snapshot but a ${now.kind} in this job; give the new operator another id` };
    }
  }
  for (const n of graph.nodes)
    if (!kinds.has(n.id)) return { nodeId: n.id, reason: `operator ${n.id} (${n.kind}) is not in the snapshot; a snapshot restores the same operators` };
  const gone = new Set(dropped);
  const old = new Set(topo.edges.filter((e) => !e.split('|').slice(0, 2).some((id) => gone.has(id))));
  const now = new Set(graph.nodes.flatMap((n) => n.outEdges.map(edgeKey)));
  for (const e of now) if (!old.has(e)) return { nodeId: e.split('|')[1], reason: `the edge ${e.split('|').slice(0, 2).join(' → ')} is not in the snapshot's job` };
  for (const e of old) if (!now.has(e)) return { nodeId: e.split('|')[1], reason: `the edge ${e.split('|').slice(0, 2).join(' → ')} of the snapshot's job is missing` };
  const shapes = stateShapesOf(graph);
  for (const [id, was] of Object.entries(extra.stateShapes ?? {})) {
    if (gone.has(id) || shapes[id] === was) continue;
    return {
      nodeId: id,
      reason: `operator ${id} keeps state built from its aggregates ${describe(was)}, but this job gives it ${describe(shapes[id])}; keep the aggregates, or give the operator a new id and restore with allowNonRestoredState`,
    };
  }
  return { dropped };
}

function describe(shape: string | undefined): string {
  if (shape === undefined) return 'none';
  return (JSON.parse(shape) as string[]).map((s) => {
    const [fn, field, as] = s.split(':');
    return `${fn}(${field}) as ${as}`;
  }).join(', ');
}
