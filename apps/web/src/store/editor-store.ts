import { temporal, type TemporalState } from 'zundo';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createClipboardSlice, type ClipboardSlice } from './clipboard-slice';
import type { EditorGraph } from './graph-types';
import { createGraphSlice, type GraphSlice } from './graph-slice';
import { createHistorySlice, HISTORY_LIMIT, type HistoryEntry, type HistorySlice } from './history-slice';
import { createJobSlice, type JobSlice } from './job-slice';
import { createSavedSlice, type SavedSlice } from './saved-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import { createViewSlice, type ViewSlice } from './view-slice';

export type EditorState = GraphSlice & HistorySlice & ClipboardSlice & SelectionSlice & ViewSlice & JobSlice & SavedSlice;
/** The store plus zundo's history store (`store.temporal`), which only ever holds the graph. */
export type EditorStore = StoreApi<EditorState> & { temporal: StoreApi<TemporalState<HistoryEntry>> };

/**
 * Creates the editor store (no React in here; components bind with `useEditor(selector)`).
 * Only the document is undoable: zundo snapshots `graph` and nothing else, and only when it
 * changed, so selection, viewport, sizes and the job never make a history step.
 * @example
 * const store = createEditorStore(demoGraph());
 * store.getState().addNode('filter', { x: 0, y: 0 }); // → 'filter_1'
 * store.getState().undo();
 */
export function createEditorStore(initial?: EditorGraph): EditorStore {
  const store = createStore<EditorState>()(
    temporal(
      (...a) => ({
        ...createGraphSlice(...a),
        ...createHistorySlice(...a),
        ...createClipboardSlice(...a),
        ...createSelectionSlice(...a),
        ...createViewSlice(...a),
        ...createJobSlice(...a),
        ...createSavedSlice(...a),
      }),
      { partialize: (s): HistoryEntry => ({ graph: s.graph }), equality: (a, b) => a.graph === b.graph, limit: HISTORY_LIMIT },
    ),
  ) as EditorStore;
  if (initial) store.setState({ graph: initial });
  store.temporal.getState().clear();
  return store;
}
