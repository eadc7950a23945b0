import { buildGraph, getOperator, type JobSpec } from '@riffle/shared';
import type { FlinkSqlPlan } from './plan-types.js';

/** A vertex of Flink's job graph: its id and the text that names its operators (name, description). */
export interface VertexText {
  id: string;
  text: string;
}

/** True when `text` mentions `name` as a whole identifier (not as part of a longer one). */
export function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text);
}

type Graph = ReturnType<typeof buildGraph>;

/** Kinds whose input crosses a hash exchange in Flink's plan, so they run in a later vertex. */
function afterExchange(g: Graph, nodeId: string): boolean {
  const category = getOperator(g.nodes.get(nodeId)?.kind ?? '')?.category;
  if (category === 'window' || category === 'join') return true;
  return (g.inEdges.get(nodeId) ?? []).some((e) => g.nodes.get(e.from)?.kind === 'keyBy');
}

/**
 * Which Flink vertex each canvas node runs in, best effort. Flink SQL inlines views, so only
 * tables keep their names in the job graph: sources and sinks are found by their table's name in
 * a vertex's name or description (a source in the vertex that says `Source`/`TableSourceScan`, a sink
 * in the one that says `Sink`/`Writer`). The nodes between them follow the graph: a stateless node runs
 * where its input runs (Flink chains it there); a window, join or node after a keyBy runs behind a
 * hash exchange, so it takes the vertex of the nearest mapped node downstream (Flink chains a sink
 * after an aggregate). What is still unmapped takes its input's vertex; a node with none is absent.
 * @example
 * mapNodesToVertices(spec, plan, [{ id: 'v1', text: 'Source: clicks[1] -> Calc[2]' }]) // { clicks: 'v1', … }
 */
export function mapNodesToVertices(spec: JobSpec, plan: Pick<FlinkSqlPlan, 'nodes'>, vertices: readonly VertexText[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [nodeId, { name, role }] of Object.entries(plan.nodes)) {
    if (role === 'view') continue;
    const hits = vertices.filter((v) => mentions(v.text, name));
    const marked = hits.filter((v) => (role === 'source' ? /Source/.test(v.text) : /Sink|Writer/.test(v.text)));
    const pick = role === 'source' ? (marked[0] ?? hits[0]) : (marked.at(-1) ?? hits.at(-1));
    if (pick) out[nodeId] = pick.id;
  }
  const g = buildGraph(spec);
  const order = g.order ?? [...g.nodes.keys()];
  const inputsOf = (id: string) => (g.inEdges.get(id) ?? []).map((e) => e.from);
  const outputsOf = (id: string) => (g.outEdges.get(id) ?? []).map((e) => e.to);
  for (const id of order) {
    if (out[id] !== undefined || afterExchange(g, id)) continue;
    const from = inputsOf(id).map((i) => out[i]).find((v) => v !== undefined);
    if (from !== undefined) out[id] = from;
  }
  for (const id of [...order].reverse()) {
    if (out[id] !== undefined) continue;
    const to = outputsOf(id).map((o) => out[o]).find((v) => v !== undefined);
    if (to !== undefined) out[id] = to;
  }
  for (const id of order) {
    if (out[id] !== undefined) continue;
    const from = inputsOf(id).map((i) => out[i]).find((v) => v !== undefined);
    if (from !== undefined) out[id] = from;
  }
  return out;
}
