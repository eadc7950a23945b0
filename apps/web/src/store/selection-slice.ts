import type { StateCreator } from 'zustand/vanilla';
import type { EditorState } from './editor-store';

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

export interface SelectionSlice {
  selection: Selection;
  setSelection(selection: Selection): void;
  /** Applies React Flow style `{ id, selected }` toggles. */
  toggleSelected(kind: 'nodes' | 'edges', changes: ReadonlyArray<{ id: string; selected: boolean }>): void;
}

export const createSelectionSlice: StateCreator<EditorState, [], [], SelectionSlice> = (set, get) => ({
  selection: { nodes: [], edges: [] },
  setSelection: (selection) => set({ selection }),
  toggleSelected(kind, changes) {
    if (changes.length === 0) return;
    const ids = new Set(get().selection[kind]);
    for (const c of changes) {
      if (c.selected) ids.add(c.id);
      else ids.delete(c.id);
    }
    const before = get().selection[kind];
    if (ids.size === before.length && before.every((id) => ids.has(id))) return;
    set({ selection: { ...get().selection, [kind]: [...ids] } });
  },
});

/** The node the inspector shows: the single (or first) selected node. */
export function selectedNodeId(s: Pick<EditorState, 'selection'>): string | undefined {
  return s.selection.nodes[0];
}
