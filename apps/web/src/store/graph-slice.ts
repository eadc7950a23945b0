import { getOperator, type JobTarget } from '@riffle/shared';
import type { StateCreator } from 'zustand/vanilla';
import { applyGraphChanges, type GraphChange } from './changes';
import { EMPTY_GRAPH, type EditorGraph, type EditorNode, type ParamPath, type XY } from './graph-types';
import { layoutChanges } from './auto-layout';
import { edgeId, uniqueNodeId } from './ids';
import { demoGraph, graphFromSpec, type LoadResult } from './serialize';
import type { EditorState } from './editor-store';

export interface Connection {
  from: string;
  to: string;
  fromPort?: string;
  toPort?: string;
}

export interface GraphSlice {
  graph: EditorGraph;
  /** Bumped when a whole document is loaded, so that the canvas fits it into view. */
  loadCount: number;
  /** The one entry point for document edits (see {@link GraphChange}). */
  apply(changes: readonly GraphChange[]): void;
  /** Adds an operator with its catalog defaults; returns the new node id. */
  addNode(kind: string, position?: XY): string | undefined;
  connect(c: Connection): void;
  removeNodes(ids: readonly string[]): void;
  removeEdges(ids: readonly string[]): void;
  /** Removes edges and nodes (and the nodes' edges) as ONE change batch, so one undo step. */
  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  /** Sets a param below `path`; `undefined` removes it (optional params, array rows). */
  setParam(nodeId: string, path: ParamPath, value: unknown): void;
  setLabel(nodeId: string, label: string | undefined): void;
  rename(name: string): void;
  /** Where the pipeline runs; saved with it (`config.target`). */
  setTarget(target: JobTarget): void;
  loadGraph(graph: EditorGraph): void;
  /** Loads a spec object (e.g. an imported file); the canvas is unchanged when it cannot be drawn. */
  loadSpec(spec: unknown): LoadResult;
  newPipeline(): void;
  loadDemo(): void;
  /** Lays the graph out left to right with dagre (one undoable step) and asks the canvas to fit it. */
  autoLayout(): void;
}

const NODE_STEP = 24;

function freePosition(nodes: readonly EditorNode[], wanted: XY): XY {
  const pos = { ...wanted };
  while (nodes.some((n) => Math.abs(n.position.x - pos.x) < 8 && Math.abs(n.position.y - pos.y) < 8)) {
    pos.x += NODE_STEP;
    pos.y += NODE_STEP;
  }
  return pos;
}

function nextToLast(nodes: readonly EditorNode[]): XY {
  if (nodes.length === 0) return { x: 0, y: 80 };
  const right = nodes.reduce((a, b) => (b.position.x > a.position.x ? b : a));
  return { x: right.position.x + 260, y: right.position.y };
}

export const createGraphSlice: StateCreator<EditorState, [], [], GraphSlice> = (set, get) => ({
  graph: EMPTY_GRAPH,
  loadCount: 0,
  apply(changes) {
    get().trackGesture(changes, 'before');
    const before = get().graph;
    const graph = applyGraphChanges(before, changes);
    if (graph === before) {
      get().trackGesture(changes, 'after');
      return;
    }
    const nodeIds = new Set(graph.nodes.map((n) => n.id));
    const edgeIds = new Set(graph.edges.map((e) => e.id));
    const { selection, job } = get();
    set({
      graph,
      selection: { nodes: selection.nodes.filter((id) => nodeIds.has(id)), edges: selection.edges.filter((id) => edgeIds.has(id)) },
      // The server's answer was about the spec as it was; it no longer applies.
      job: job.serverErrors.length > 0 ? { ...job, serverErrors: [] } : job,
    });
    get().trackGesture(changes, 'after');
  },
  addNode(kind, position) {
    const def = getOperator(kind);
    if (!def) return undefined;
    const { graph } = get();
    const id = uniqueNodeId(kind, new Set(graph.nodes.map((n) => n.id)));
    const node: EditorNode = { id, kind, params: structuredClone(def.defaults), position: freePosition(graph.nodes, position ?? nextToLast(graph.nodes)) };
    get().apply([{ type: 'node/add', node }]);
    get().setSelection({ nodes: [id], edges: [] });
    return id;
  },
  connect(c) {
    const taken = new Set(get().graph.edges.map((e) => e.id));
    get().apply([{ type: 'edge/add', edge: { ...c, id: edgeId(c, taken) } }]);
  },
  removeNodes: (ids) => get().apply(ids.map((id) => ({ type: 'node/remove', id }))),
  removeEdges: (ids) => get().apply(ids.map((id) => ({ type: 'edge/remove', id }))),
  deleteElements: (nodeIds, edgeIds) =>
    get().apply([...edgeIds.map((id): GraphChange => ({ type: 'edge/remove', id })), ...nodeIds.map((id): GraphChange => ({ type: 'node/remove', id }))]),
  setParam: (id, path, value) => get().apply([{ type: 'node/param', id, path, value }]),
  setLabel: (id, label) => get().apply([{ type: 'node/label', id, label }]),
  rename: (name) => get().apply([{ type: 'graph/rename', name }]),
  setTarget: (target) => get().apply([{ type: 'graph/target', target }]),
  loadGraph(graph) {
    get().apply([{ type: 'graph/replace', graph }]);
    set({ selection: { nodes: [], edges: [] }, loadCount: get().loadCount + 1 });
  },
  loadSpec(spec) {
    const r = graphFromSpec(spec);
    if (r.ok) get().loadGraph(r.graph);
    return r;
  },
  newPipeline: () => get().loadGraph({ ...EMPTY_GRAPH }),
  loadDemo: () => get().loadGraph(demoGraph()),
  autoLayout() {
    const moves = layoutChanges(get().graph, get().measured);
    if (moves.length === 0) return;
    get().apply(moves);
    get().requestFit();
  },
});
