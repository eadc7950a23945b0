import type { JobTarget } from '@riffle/shared';
import type { EditorEdge, EditorGraph, EditorNode, ParamPath, XY } from './graph-types';
import { setAtPath } from './params';

/**
 * Every edit of the document is one of these objects, applied by {@link applyGraphChanges}.
 * Keeping edits as data is what makes undo/redo (and `dragging`-aware history) easy to add.
 */
export type GraphChange =
  | { type: 'node/add'; node: EditorNode }
  | { type: 'node/remove'; id: string }
  | { type: 'node/move'; id: string; position: XY; dragging?: boolean }
  | { type: 'node/label'; id: string; label: string | undefined }
  | { type: 'node/param'; id: string; path: ParamPath; value: unknown }
  | { type: 'edge/add'; edge: EditorEdge }
  | { type: 'edge/remove'; id: string }
  | { type: 'graph/rename'; name: string }
  /** Where the pipeline runs (`config.target`); 'embedded', the default, is stored as absent. */
  | { type: 'graph/target'; target: JobTarget }
  | { type: 'graph/replace'; graph: EditorGraph };

function mapNode(graph: EditorGraph, id: string, f: (n: EditorNode) => EditorNode): EditorGraph {
  const i = graph.nodes.findIndex((n) => n.id === id);
  if (i < 0) return graph;
  const nodes = [...graph.nodes];
  nodes[i] = f(nodes[i]!);
  return { ...graph, nodes };
}

function sameEnds(a: EditorEdge, b: EditorEdge): boolean {
  return a.from === b.from && a.to === b.to && (a.fromPort ?? '') === (b.fromPort ?? '') && (a.toPort ?? '') === (b.toPort ?? '');
}

function applyOne(graph: EditorGraph, c: GraphChange): EditorGraph {
  switch (c.type) {
    case 'node/add':
      if (graph.nodes.some((n) => n.id === c.node.id)) return graph;
      return { ...graph, nodes: [...graph.nodes, c.node] };
    case 'node/remove':
      if (!graph.nodes.some((n) => n.id === c.id)) return graph;
      return {
        ...graph,
        nodes: graph.nodes.filter((n) => n.id !== c.id),
        edges: graph.edges.filter((e) => e.from !== c.id && e.to !== c.id),
      };
    case 'node/move': {
      const at = graph.nodes.find((n) => n.id === c.id)?.position;
      if (at && at.x === c.position.x && at.y === c.position.y) return graph;
      return mapNode(graph, c.id, (n) => ({ ...n, position: { x: c.position.x, y: c.position.y } }));
    }
    case 'node/label':
      return mapNode(graph, c.id, (n) => {
        const { label: _old, ...rest } = n;
        return c.label === undefined || c.label === '' ? rest : { ...rest, label: c.label };
      });
    case 'node/param':
      return mapNode(graph, c.id, (n) => ({ ...n, params: setAtPath(n.params, c.path, c.value) }));
    case 'edge/add': {
      const { edge } = c;
      if (edge.from === edge.to) return graph;
      if (!graph.nodes.some((n) => n.id === edge.from) || !graph.nodes.some((n) => n.id === edge.to)) return graph;
      if (graph.edges.some((e) => e.id === edge.id || sameEnds(e, edge))) return graph;
      return { ...graph, edges: [...graph.edges, edge] };
    }
    case 'edge/remove':
      return graph.edges.some((e) => e.id === c.id) ? { ...graph, edges: graph.edges.filter((e) => e.id !== c.id) } : graph;
    case 'graph/rename':
      return { ...graph, name: c.name };
    case 'graph/target': {
      if ((graph.config?.target ?? 'embedded') === c.target) return graph;
      const { target: _old, ...rest } = graph.config ?? {};
      const config = c.target === 'embedded' ? rest : { ...rest, target: c.target };
      return { ...graph, config };
    }
    case 'graph/replace':
      return c.graph;
  }
}

/** Applies changes in order; returns the same object when nothing changed. */
export function applyGraphChanges(graph: EditorGraph, changes: readonly GraphChange[]): EditorGraph {
  return changes.reduce(applyOne, graph);
}
