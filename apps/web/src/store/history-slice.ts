import type { TemporalState } from 'zundo';
import type { StateCreator, StoreApi } from 'zustand/vanilla';
import type { EditorState } from './editor-store';
import type { GraphChange } from './changes';
import type { EditorGraph } from './graph-types';

/** What one undo step restores: the document, never the view or the selection. */
export interface HistoryEntry {
  graph: EditorGraph;
}

export const HISTORY_LIMIT = 200;

export interface HistorySlice {
  undo(): void;
  redo(): void;
  clearHistory(): void;
  /**
   * Called by `apply` before a batch of changes: the first `node/move` with `dragging: true`
   * pauses history and remembers the graph as it was; the drag-stop move (`dragging: false`)
   * resumes it and records that graph as ONE step, however many moves the drag made.
   */
  trackGesture(changes: readonly GraphChange[], phase: 'before' | 'after'): void;
}

type WithTemporal = StoreApi<EditorState> & { temporal?: StoreApi<TemporalState<HistoryEntry>> };

const isDragMove = (c: GraphChange) => c.type === 'node/move' && c.dragging === true;
const isDragStop = (c: GraphChange) => c.type === 'node/move' && c.dragging === false;

export const createHistorySlice: StateCreator<EditorState, [], [], HistorySlice> = (set, get, api) => {
  // Not state: nothing renders from it, and it must not itself become a history step.
  let dragOrigin: EditorGraph | undefined;
  const temporal = () => (api as WithTemporal).temporal?.getState();

  const commitGesture = () => {
    const t = temporal();
    const origin = dragOrigin;
    dragOrigin = undefined;
    if (!t || !origin) return;
    t.resume();
    if (get().graph === origin) return;
    (api as WithTemporal).temporal!.setState({ pastStates: [...t.pastStates, { graph: origin }].slice(-HISTORY_LIMIT), futureStates: [] });
  };

  /** After undo/redo: drop the selection of nodes that are gone, and the stale server answer. */
  const afterJump = () => {
    const { graph, selection, job } = get();
    const nodeIds = new Set(graph.nodes.map((n) => n.id));
    const edgeIds = new Set(graph.edges.map((e) => e.id));
    set({
      selection: { nodes: selection.nodes.filter((id) => nodeIds.has(id)), edges: selection.edges.filter((id) => edgeIds.has(id)) },
      job: job.serverErrors.length > 0 ? { ...job, serverErrors: [] } : job,
    });
  };

  return {
    undo() {
      commitGesture();
      temporal()?.undo();
      afterJump();
    },
    redo() {
      commitGesture();
      temporal()?.redo();
      afterJump();
    },
    clearHistory: () => {
      dragOrigin = undefined;
      temporal()?.resume();
      temporal()?.clear();
    },
    trackGesture(changes, phase) {
      if (phase === 'before') {
        if (changes.some(isDragMove)) {
          if (!dragOrigin) {
            dragOrigin = get().graph;
            temporal()?.pause();
          }
        } else if (dragOrigin && !changes.some(isDragStop)) {
          commitGesture(); // some other edit interrupted the drag: close it first
        }
      } else if (dragOrigin && changes.some(isDragStop)) {
        commitGesture();
      }
    },
  };
};
