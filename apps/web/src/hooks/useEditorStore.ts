import { useContext } from 'react';
import type { EditorStore } from '../store/editor-store';
import { EditorStoreContext } from './store-context';

/** The store itself, for event handlers that call actions (`store.getState().addNode(...)`). */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore: wrap the app in <EditorStoreContext value={store}>');
  return store;
}
