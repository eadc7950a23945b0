import { useEffect } from 'react';
import { saveCanvas } from '../api/save-flow';
import { useEditorStore } from './useEditorStore';

/** Ctrl/⌘+S saves the pipeline (also from a text field: the browser's "save page" is never wanted here). */
export function useSaveShortcut(): void {
  const store = useEditorStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 's') return;
      e.preventDefault();
      void saveCanvas(store);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
