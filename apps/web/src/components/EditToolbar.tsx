import { useReactFlow } from '@xyflow/react';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useHistoryState } from '../hooks/useHistoryState';
import { Icon } from './Icon';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl+';

/** Undo/redo, auto-layout, fit view and the theme toggle. */
export function EditToolbar() {
  const store = useEditorStore();
  const { canUndo, canRedo } = useHistoryState();
  const theme = useEditor((s) => s.theme);
  const hasNodes = useEditor((s) => s.graph.nodes.length > 0);
  const { fitView } = useReactFlow();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="toolbar" role="toolbar" aria-label="Edit">
      <button type="button" className="tool-button" data-testid="undo-button" disabled={!canUndo} title={`Undo (${mod}Z)`} aria-label="Undo" onClick={() => store.getState().undo()}>
        <Icon name="undo" />
      </button>
      <button type="button" className="tool-button" data-testid="redo-button" disabled={!canRedo} title={`Redo (${mod}Shift+Z)`} aria-label="Redo" onClick={() => store.getState().redo()}>
        <Icon name="redo" />
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="tool-button" data-testid="layout-button" disabled={!hasNodes} title="Auto-layout, left to right" aria-label="Auto-layout" onClick={() => store.getState().autoLayout()}>
        <Icon name="layout" />
      </button>
      <button type="button" className="tool-button" data-testid="fit-view-button" disabled={!hasNodes} title="Fit the pipeline into view" aria-label="Fit view" onClick={() => void fitView({ padding: 0.08, maxZoom: 1.1, duration: 200 })}>
        <Icon name="fit" />
      </button>
      <button type="button" className="tool-button" data-testid="theme-button" data-theme={theme} title={`Switch to the ${next} theme`} aria-label={`Switch to the ${next} theme`} onClick={() => store.getState().setTheme(next)}>
        <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
      </button>
    </div>
  );
}
