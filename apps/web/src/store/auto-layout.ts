import { Graph, layout } from '@dagrejs/dagre';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/layout';
import type { GraphChange } from './changes';
import type { EditorGraph } from './graph-types';
import type { Size } from './view-slice';

/** Gaps between layers (left → right) and between nodes of one layer. */
export const LAYOUT_GAPS = { ranksep: 80, nodesep: 40 };

/**
 * Positions every node left to right along its edges with dagre, using the sizes React Flow
 * measured (nominal ones before the first render). Returns `node/move` changes, so that the
 * whole layout is one undoable step; nodes already in place produce no change.
 * @example store.getState().apply(layoutChanges(graph, measured));
 */
export function layoutChanges(graph: EditorGraph, measured: Readonly<Record<string, Size>>): GraphChange[] {
  if (graph.nodes.length === 0) return [];
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', marginx: 0, marginy: 0, ...LAYOUT_GAPS });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map(graph.nodes.map((n) => [n.id, measured[n.id] ?? { width: NODE_WIDTH, height: NODE_HEIGHT }]));
  for (const n of graph.nodes) g.setNode(n.id, { ...sizes.get(n.id)! });
  for (const e of graph.edges) if (sizes.has(e.from) && sizes.has(e.to)) g.setEdge(e.from, e.to, {}, e.id);
  layout(g);
  const changes: GraphChange[] = [];
  for (const n of graph.nodes) {
    const { x, y } = g.node(n.id);
    const size = sizes.get(n.id)!;
    // dagre gives centres; React Flow positions are top-left corners.
    const position = { x: Math.round(x - size.width / 2), y: Math.round(y - size.height / 2) };
    if (position.x !== n.position.x || position.y !== n.position.y) changes.push({ type: 'node/move', id: n.id, position });
  }
  return changes;
}
