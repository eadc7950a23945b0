import type { PipelineVersion } from '@riffle/shared';
import type { StateCreator } from 'zustand/vanilla';
import type { EditorState } from './editor-store';

/** A save the server refused because someone saved a newer version meanwhile. */
export interface SaveConflict {
  /** The latest version on the server. */
  currentVersion: number;
  /** The server's explanation, shown as it is. */
  message: string;
}

/** Which saved pipeline the canvas is (server id and version), and how the last save went. */
export interface SavedState {
  id?: string;
  /** The version the canvas was loaded from or last saved as: the next save's `baseVersion`. */
  version?: number;
  /**
   * The graph's `loadCount` when this pipeline was opened or first saved. Loading anything else
   * (New, a template, an import) bumps it, which detaches the canvas from the saved pipeline
   * without every loader having to know about saving.
   */
  loadCount: number;
  busy: boolean;
  conflict?: SaveConflict;
}

export interface SavedSlice {
  saved: SavedState;
  /** Opens a saved version: the canvas shows it and undo history starts afresh. */
  pipelineOpened(p: Pick<PipelineVersion, 'id' | 'version' | 'spec'>): { ok: true } | { ok: false; error: string };
  saveStarted(): void;
  saveSucceeded(id: string, version: number): void;
  saveConflict(conflict: SaveConflict): void;
  saveFailed(): void;
  dismissConflict(): void;
}

/** The saved pipeline the canvas still is, or undefined once something else was loaded. */
export function currentSaved(s: Pick<EditorState, 'saved' | 'loadCount'>): { id: string; version: number } | undefined {
  const { id, version, loadCount } = s.saved;
  return id !== undefined && version !== undefined && loadCount === s.loadCount ? { id, version } : undefined;
}

export const createSavedSlice: StateCreator<EditorState, [], [], SavedSlice> = (set, get) => ({
  saved: { loadCount: -1, busy: false },
  pipelineOpened(p) {
    const r = get().loadSpec(p.spec);
    if (!r.ok) return r;
    get().clearHistory();
    set({ saved: { id: p.id, version: p.version, loadCount: get().loadCount, busy: false } });
    return { ok: true };
  },
  saveStarted: () => set({ saved: { ...get().saved, busy: true } }),
  saveSucceeded(id, version) {
    const { saved, loadCount } = get();
    // A first save adopts the canvas as it is now; no reload, so the undo history stays.
    set({ saved: { id, version, loadCount: saved.id === id ? saved.loadCount : loadCount, busy: false } });
  },
  saveConflict: (conflict) => set({ saved: { ...get().saved, busy: false, conflict } }),
  saveFailed: () => set({ saved: { ...get().saved, busy: false } }),
  dismissConflict() {
    if (get().saved.conflict === undefined) return;
    const { conflict: _, ...rest } = get().saved;
    set({ saved: rest });
  },
});
