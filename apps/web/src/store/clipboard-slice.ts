import type { StateCreator } from 'zustand/vanilla';
import type { EditorState } from './editor-store';
import type { GraphChange } from './changes';
import type { EditorEdge, EditorNode } from './graph-types';
import { edgeId, uniqueNodeId } from './ids';

/** Copied nodes and the edges between them (view state: copying is not an edit). */
export interface Clipboard {
  nodes: readonly EditorNode[];
  edges: readonly EditorEdge[];
}

export interface ClipboardSlice {
  clipboard: Clipboard | undefined;
  /** How many times the current clipboard was pasted; each paste lands one offset further. */
  pasteCount: number;
  /** Copies the selected nodes and the edges that run between two of them; returns how many nodes. */
  copySelection(): number;
  /** Pastes with fresh ids, offset from the originals, as one undoable step; selects the copies. */
  paste(): string[];
}

export const PASTE_OFFSET = 40;

export const createClipboardSlice: StateCreator<EditorState, [], [], ClipboardSlice> = (set, get) => ({
  clipboard: undefined,
  pasteCount: 0,
  copySelection() {
    const { graph, selection } = get();
    const ids = new Set(selection.nodes);
    const nodes = graph.nodes.filter((n) => ids.has(n.id));
    if (nodes.length === 0) return 0;
    const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
    set({ clipboard: structuredClone({ nodes, edges }), pasteCount: 0 });
    return nodes.length;
  },
  paste() {
    const { clipboard, graph, pasteCount } = get();
    if (!clipboard || clipboard.nodes.length === 0) return [];
    const offset = PASTE_OFFSET * (pasteCount + 1);
    const taken = new Set(graph.nodes.map((n) => n.id));
    const idMap = new Map<string, string>();
    const changes: GraphChange[] = [];
    for (const n of clipboard.nodes) {
      const id = uniqueNodeId(n.kind, taken);
      taken.add(id);
      idMap.set(n.id, id);
      const node: EditorNode = { ...structuredClone(n), id, position: { x: n.position.x + offset, y: n.position.y + offset } };
      changes.push({ type: 'node/add', node });
    }
    const edgeIds = new Set(graph.edges.map((e) => e.id));
    for (const e of clipboard.edges) {
      const ends = { ...e, from: idMap.get(e.from)!, to: idMap.get(e.to)! };
      const edge: EditorEdge = { ...ends, id: edgeId(ends, edgeIds) };
      edgeIds.add(edge.id);
      changes.push({ type: 'edge/add', edge });
    }
    get().apply(changes);
    const pasted = [...idMap.values()];
    set({ pasteCount: pasteCount + 1, selection: { nodes: pasted, edges: [] } });
    return pasted;
  },
});
