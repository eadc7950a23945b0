import type { LogicalEdge, LogicalGraph, LogicalNode } from './logical-graph.js';

/** A chain: nodes fused into one task, records passing between them by direct call. */
export interface ChainPlan {
  /** The id of the head node. */
  id: string;
  /** Node ids, head first, in topological order. */
  nodes: string[];
  parallelism: number;
  /** Exchange edges feeding the head, in spec order (empty for a source chain). */
  inputs: LogicalEdge[];
}

export interface PhysicalPlan {
  graph: LogicalGraph;
  /** In topological order of their heads. */
  chains: ChainPlan[];
  chainOf: Map<string, ChainPlan>;
  /** Whether an edge is inside a chain (direct call) rather than an exchange. */
  isChained(edge: LogicalEdge): boolean;
}

/**
 * Flink's chaining rule: a node joins its predecessor's chain when it has exactly one input, the
 * edge is forward and both have the same parallelism. A chain may branch (fan-out to several
 * chained successors); a node with several inputs always starts a chain, fed by exchanges.
 */
export function buildPhysicalPlan(graph: LogicalGraph): PhysicalPlan {
  const chained = new Set<LogicalEdge>();
  const chains: ChainPlan[] = [];
  const chainOf = new Map<string, ChainPlan>();
  for (const node of graph.nodes) {
    const only = node.inEdges.length === 1 ? node.inEdges[0]! : undefined;
    if (only && canChain(graph.byId.get(only.from)!, node, only)) {
      chained.add(only);
      const chain = chainOf.get(only.from)!;
      chain.nodes.push(node.id);
      chainOf.set(node.id, chain);
      continue;
    }
    const chain: ChainPlan = { id: node.id, nodes: [node.id], parallelism: node.parallelism, inputs: [...node.inEdges] };
    chains.push(chain);
    chainOf.set(node.id, chain);
  }
  return { graph, chains, chainOf, isChained: (e) => chained.has(e) };
}

function canChain(from: LogicalNode, to: LogicalNode, edge: LogicalEdge): boolean {
  return edge.partitioning === 'forward' && from.parallelism === to.parallelism;
}
