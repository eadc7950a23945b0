import type { StateCreator } from 'zustand/vanilla';
import type { EditorState } from './editor-store';

export interface Size {
  width: number;
  height: number;
}

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export type Theme = 'light' | 'dark';

/** View state: not part of the document, never undone. */
export interface ViewSlice {
  /** Node sizes measured by React Flow; a controlled flow must hand them back. */
  measured: Readonly<Record<string, Size>>;
  notice: Notice | undefined;
  theme: Theme;
  /** Bumped to ask the canvas to fit the graph into view (after an auto-layout). */
  fitRequest: number;
  setMeasured(sizes: ReadonlyArray<{ id: string; size: Size }>): void;
  setNotice(notice: Notice | undefined): void;
  setTheme(theme: Theme): void;
  requestFit(): void;
}

export const createViewSlice: StateCreator<EditorState, [], [], ViewSlice> = (set, get) => ({
  measured: {},
  notice: undefined,
  theme: 'light',
  fitRequest: 0,
  setMeasured(sizes) {
    const cur = get().measured;
    const changed = sizes.filter(({ id, size }) => cur[id]?.width !== size.width || cur[id]?.height !== size.height);
    if (changed.length === 0) return;
    const next = { ...cur };
    for (const { id, size } of changed) next[id] = size;
    set({ measured: next });
  },
  setNotice: (notice) => set({ notice }),
  setTheme: (theme) => set({ theme }),
  requestFit: () => set({ fitRequest: get().fitRequest + 1 }),
});
