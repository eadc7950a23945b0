import { demoSpec, migrateSpec, type EdgeSpec, type JobSpecInput, type NodeSpec } from '@riffle/shared';
import type { EditorEdge, EditorGraph, EditorNode, XY } from './graph-types';
import { edgeId } from './ids';

/** Horizontal spacing used when a spec has no positions. */
export const AUTO_PLACE_DX = 260;

/** Serializes the canvas into a job spec (what Run posts and Export saves). */
export function toSpec(graph: EditorGraph): JobSpecInput {
  const positions: Record<string, XY> = {};
  const nodes = graph.nodes.map((n): NodeSpec => {
    positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    const out: NodeSpec = { id: n.id, kind: n.kind, params: n.params };
    if (n.label !== undefined) out.label = n.label;
    if (n.parallelism !== undefined) out.parallelism = n.parallelism;
    return out;
  });
  const edges = graph.edges.map((e): EdgeSpec => {
    const out: EdgeSpec = { from: e.from, to: e.to };
    if (e.fromPort !== undefined) out.fromPort = e.fromPort;
    if (e.toPort !== undefined) out.toPort = e.toPort;
    if (e.partitioning !== undefined) out.partitioning = e.partitioning;
    return out;
  });
  const spec: JobSpecInput = { specVersion: 1, name: graph.name, nodes, edges, ui: { ...graph.uiExtra, positions } };
  if (graph.description !== undefined) spec.description = graph.description;
  if (graph.config !== undefined) spec.config = graph.config;
  return spec;
}

export type LoadResult = { ok: true; graph: EditorGraph } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Loads a spec (e.g. an imported file) into an editor graph. Only the shape needed to draw it is
 * required; everything else is left to `validateSpec`, so a half-broken file can still be fixed
 * on the canvas. Nodes without a saved position are placed in a row below the others.
 */
export function graphFromSpec(input: unknown): LoadResult {
  const migrated = migrateSpec(input);
  if (!migrated.ok) return { ok: false, error: migrated.problem.message };
  const spec = migrated.spec;
  if (!isObject(spec)) return { ok: false, error: 'a job spec is a JSON object' };
  if (!Array.isArray(spec.nodes)) return { ok: false, error: 'the spec has no "nodes" array' };
  const rawNodes = spec.nodes;
  const bad = rawNodes.findIndex((n) => !isObject(n) || typeof n.id !== 'string' || typeof n.kind !== 'string');
  if (bad >= 0) return { ok: false, error: `nodes[${bad}] needs a string "id" and "kind"` };
  const rawEdges = Array.isArray(spec.edges) ? spec.edges : [];
  const badEdge = rawEdges.findIndex((e) => !isObject(e) || typeof e.from !== 'string' || typeof e.to !== 'string');
  if (badEdge >= 0) return { ok: false, error: `edges[${badEdge}] needs string "from" and "to"` };

  const ui = isObject(spec.ui) ? spec.ui : {};
  const { positions: rawPositions, ...uiExtra } = ui;
  const positions = isObject(rawPositions) ? rawPositions : {};
  const placed = Object.values(positions).filter(isXY);
  let nextX = 0;
  const rowY = placed.length === 0 ? 80 : Math.max(...placed.map((p) => p.y)) + 160;

  const nodes = (rawNodes as Array<Record<string, unknown>>).map((n): EditorNode => {
    const saved = positions[n.id as string];
    const position = isXY(saved) ? { x: saved.x, y: saved.y } : { x: (nextX++) * AUTO_PLACE_DX, y: rowY };
    const node: EditorNode = { id: n.id as string, kind: n.kind as string, params: isObject(n.params) ? n.params : {}, position };
    if (typeof n.label === 'string') node.label = n.label;
    if (typeof n.parallelism === 'number') node.parallelism = n.parallelism;
    return node;
  });
  const taken = new Set<string>();
  const edges = (rawEdges as Array<Record<string, unknown>>).map((e): EditorEdge => {
    const edge: EditorEdge = { id: '', from: e.from as string, to: e.to as string };
    if (typeof e.fromPort === 'string') edge.fromPort = e.fromPort;
    if (typeof e.toPort === 'string') edge.toPort = e.toPort;
    if (typeof e.partitioning === 'string') edge.partitioning = e.partitioning as EditorEdge['partitioning'] & string;
    edge.id = edgeId(edge, taken);
    taken.add(edge.id);
    return edge;
  });

  const graph: EditorGraph = { name: typeof spec.name === 'string' ? spec.name : 'imported-pipeline', nodes, edges };
  if (typeof spec.description === 'string') graph.description = spec.description;
  if (isObject(spec.config)) graph.config = spec.config as EditorGraph['config'];
  if (Object.keys(uiExtra).length > 0) graph.uiExtra = uiExtra;
  return { ok: true, graph };
}

function isXY(v: unknown): v is XY {
  return isObject(v) && typeof v.x === 'number' && typeof v.y === 'number';
}

/** The first-load pipeline. */
export function demoGraph(): EditorGraph {
  const r = graphFromSpec(demoSpec());
  if (!r.ok) throw new Error(`demo spec does not load: ${r.error}`);
  return r.graph;
}
