import { useStore } from 'zustand';
import type { EditorState } from '../store/editor-store';
import { useEditorStore } from './useEditorStore';

/**
 * Subscribes to a slice of the editor state. The selector must return a stable value
 * (a stored object or a primitive); derive new objects with `useMemo` in the component.
 * @example const graph = useEditor((s) => s.graph);
 */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}
