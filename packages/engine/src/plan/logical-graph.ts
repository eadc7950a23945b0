import {
  buildGraph,
  getOperator,
  portSchema,
  resolvePartitioning,
  type JobSpec,
  type OperatorDef,
  type Partitioning,
  type RecordSchema,
  type SpecValidation,
} from '@riffle/shared';

export interface LogicalEdge {
  from: string;
  to: string;
  /** Resolved distribution (the spec's, or the planner's default). */
  partitioning: Partitioning;
  /** Side-output port the edge leaves through (a window's `late`); undefined for the main output. */
  fromPort?: string;
  /** Input port the edge feeds on a two-input operator (`left`/`right`). */
  toPort?: string;
}

export interface LogicalNode {
  id: string;
  kind: string;
  def: OperatorDef<any>;
  /** Params with defaults filled in by validation. */
  params: Record<string, unknown>;
  parallelism: number;
  /** Schema of the records arriving (sources: of the records they emit). */
  inputSchema: RecordSchema;
  /** Whether the input is keyed (the node after a keyBy). */
  keyedInput: boolean;
  inEdges: LogicalEdge[];
  outEdges: LogicalEdge[];
}

export interface LogicalGraph {
  /** In topological order. */
  nodes: LogicalNode[];
  byId: Map<string, LogicalNode>;
  maxParallelism: number;
  time: 'event' | 'processing';
}

const OPEN: RecordSchema = { fields: [], open: true };

/**
 * Turns a validated spec into the logical graph: nodes in topological order with their resolved
 * parallelism, input schema and the partitioning of every edge. Defaults follow ARCHITECTURE.md:
 * hash after a keyBy, forward where parallelism matches, rebalance otherwise.
 */
export function buildLogicalGraph(spec: JobSpec, validation: SpecValidation): LogicalGraph {
  const graph = buildGraph(spec);
  const byId = new Map<string, LogicalNode>();
  const parallelismOf = (id: string) => graph.nodes.get(id)!.parallelism ?? spec.config.parallelism;
  for (const id of graph.order!) {
    const n = graph.nodes.get(id)!;
    const ins = graph.inEdges.get(id)!;
    const first = ins[0];
    byId.set(id, {
      id,
      kind: n.kind,
      def: getOperator(n.kind)!,
      params: n.params,
      parallelism: parallelismOf(id),
      inputSchema: first ? (portSchema(validation.types[first.from], first.fromPort) ?? OPEN) : (validation.types[id]?.output ?? OPEN),
      keyedInput: ins.some((e) => validation.types[e.from]?.keyed === true),
      inEdges: [],
      outEdges: [],
    });
  }
  for (const e of spec.edges) {
    const from = byId.get(e.from)!;
    const to = byId.get(e.to)!;
    const edge: LogicalEdge = { from: e.from, to: e.to, partitioning: resolvePartitioning({ fromKind: from.kind, fromParallelism: from.parallelism, toParallelism: to.parallelism }, e.partitioning) };
    if (e.fromPort !== undefined && e.fromPort !== from.def.outputs[0]?.name) edge.fromPort = e.fromPort;
    if (e.toPort !== undefined) edge.toPort = e.toPort;
    from.outEdges.push(edge);
    to.inEdges.push(edge);
  }
  return { nodes: [...byId.values()], byId, maxParallelism: spec.config.maxParallelism, time: spec.config.time };
}
