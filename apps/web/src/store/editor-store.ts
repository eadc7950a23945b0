import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EditorGraph } from './graph-types';
import { createGraphSlice, type GraphSlice } from './graph-slice';
import { createJobSlice, type JobSlice } from './job-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import { createViewSlice, type ViewSlice } from './view-slice';

export type EditorState = GraphSlice & SelectionSlice & ViewSlice & JobSlice;
export type EditorStore = StoreApi<EditorState>;

/**
 * Creates the editor store (no React in here; components bind with `useEditor(selector)`).
 * @example
 * const store = createEditorStore(demoGraph());
 * store.getState().addNode('filter', { x: 0, y: 0 }); // → 'filter_1'
 */
export function createEditorStore(initial?: EditorGraph): EditorStore {
  const store = createStore<EditorState>()((...a) => ({
    ...createGraphSlice(...a),
    ...createSelectionSlice(...a),
    ...createViewSlice(...a),
    ...createJobSlice(...a),
  }));
  if (initial) store.setState({ graph: initial });
  return store;
}
