import { useEffect } from 'react';
import { useEditorStore } from './useEditorStore';

/** Text fields keep their own Ctrl+Z / Ctrl+C / Ctrl+V. */
function isTextTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT';
}

/**
 * Editor keyboard shortcuts: Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z and Ctrl+Y redo, Ctrl/⌘+C copy the
 * selected nodes, Ctrl/⌘+V paste them. Delete/Backspace are React Flow's own.
 */
export function useShortcuts(): void {
  const store = useEditorStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextTarget(e.target)) return;
      const s = store.getState();
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) s.undo();
      else if ((key === 'z' && e.shiftKey) || (key === 'y' && !e.shiftKey)) s.redo();
      else if (key === 'c' && !e.shiftKey) {
        if (!(window.getSelection()?.isCollapsed ?? true)) return; // copying page text
        if (s.copySelection() === 0) return;
      } else if (key === 'v' && !e.shiftKey) {
        if (s.paste().length === 0) return;
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
