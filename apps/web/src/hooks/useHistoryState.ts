import { useStore } from 'zustand';
import { useEditorStore } from './useEditorStore';

/** Whether there is something to undo / redo (for the header buttons). */
export function useHistoryState(): { canUndo: boolean; canRedo: boolean } {
  const store = useEditorStore();
  const canUndo = useStore(store.temporal, (t) => t.pastStates.length > 0);
  const canRedo = useStore(store.temporal, (t) => t.futureStates.length > 0);
  return { canUndo, canRedo };
}
