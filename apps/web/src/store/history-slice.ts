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
/** Keystrokes in one field closer together than this make one undo step. */
export const TYPING_MERGE_MS = 1000;

/** What a typing edit is about (same field → same key), or undefined for other edits. */
function typingKey(changes: readonly GraphChange[]): string | undefined {
  if (changes.length !== 1) return undefined;
  const c = changes[0]!;
  if (c.type === 'node/param') return `param:${c.id}:${c.path.join('.')}`;
  if (c.type === 'node/label') return `label:${c.id}`;
  if (c.type === 'graph/rename') return 'rename';
  return undefined;
}

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
  let lastTyping: { key: string; at: number; depth: number } | undefined;
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

  /**
   * Typing `price > 10` into one field is one step, not nine: a keystroke that follows another
   * in the same field within {@link TYPING_MERGE_MS} drops the step it just recorded.
   */
  const mergeTyping = (changes: readonly GraphChange[]) => {
    const t = temporal();
    if (!t || dragOrigin) return;
    const key = typingKey(changes);
    const depth = t.pastStates.length;
    const now = Date.now();
    const prev = lastTyping;
    lastTyping = key === undefined ? undefined : { key, at: now, depth };
    if (key === undefined || !prev || prev.key !== key || now - prev.at > TYPING_MERGE_MS) return;
    if (depth !== prev.depth + 1) return; // nothing new recorded, or something else came between
    (api as WithTemporal).temporal!.setState({ pastStates: t.pastStates.slice(0, -1) });
    lastTyping = { key, at: now, depth: depth - 1 };
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
      lastTyping = undefined;
      temporal()?.undo();
      afterJump();
    },
    redo() {
      commitGesture();
      lastTyping = undefined;
      temporal()?.redo();
      afterJump();
    },
    clearHistory: () => {
      dragOrigin = undefined;
      lastTyping = undefined;
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
      } else {
        mergeTyping(changes);
      }
    },
  };
};
