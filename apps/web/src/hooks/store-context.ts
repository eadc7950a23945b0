import { createContext } from 'react';
import type { EditorStore } from '../store/editor-store';

/** Provides the editor store to the component tree (one store per app instance). */
export const EditorStoreContext = createContext<EditorStore | null>(null);
