import type { EdgeSpec, JobSpec, NodeSpec } from './spec.schema.js';

export interface GraphEdge extends EdgeSpec {
  /** Index in `spec.edges`. */
  index: number;
}

export interface SpecGraph {
  nodes: Map<string, NodeSpec>;
  /** Incoming edges per node id (only edges whose both ends exist). */
  inEdges: Map<string, GraphEdge[]>;
  outEdges: Map<string, GraphEdge[]>;
  /** Node ids in topological order; `undefined` when the graph has a cycle. */
  order: string[] | undefined;
  /** Edges that close a cycle (empty when acyclic). */
  cycleEdges: GraphEdge[];
}

/** Indexes a spec's nodes and edges and sorts them topologically (Kahn's algorithm). */
export function buildGraph(spec: Pick<JobSpec, 'nodes' | 'edges'>): SpecGraph {
  const nodes = new Map<string, NodeSpec>();
  for (const n of spec.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const inEdges = new Map<string, GraphEdge[]>();
  const outEdges = new Map<string, GraphEdge[]>();
  for (const id of nodes.keys()) {
    inEdges.set(id, []);
    outEdges.set(id, []);
  }
  spec.edges.forEach((e, index) => {
    if (!nodes.has(e.from) || !nodes.has(e.to)) return;
    const ge = { ...e, index };
    outEdges.get(e.from)!.push(ge);
    inEdges.get(e.to)!.push(ge);
  });
  const indegree = new Map<string, number>();
  for (const [id, ins] of inEdges) indegree.set(id, ins.length);
  const queue = [...nodes.keys()].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    order.push(id);
    for (const e of outEdges.get(id)!) {
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) queue.push(e.to);
    }
  }
  if (order.length === nodes.size) return { nodes, inEdges, outEdges, order, cycleEdges: [] };
  const placed = new Set(order);
  const cycleEdges = spec.edges
    .map((e, index) => ({ ...e, index }))
    .filter((e) => nodes.has(e.from) && nodes.has(e.to) && !placed.has(e.from) && !placed.has(e.to));
  return { nodes, inEdges, outEdges, order: undefined, cycleEdges };
}
