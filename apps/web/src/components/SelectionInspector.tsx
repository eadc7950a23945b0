import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';

/** Shown when several nodes are selected: what is selected and what can be done with it. */
export function SelectionInspector() {
  const store = useEditorStore();
  const ids = useEditor((s) => s.selection.nodes);
  return (
    <div className="inspector__body" data-testid="selection-inspector">
      <h2 className="panel-title">Selection</h2>
      <p>
        <strong>{ids.length} nodes</strong> selected: <span className="mono">{ids.join(', ')}</span>
      </p>
      <p className="muted">Drag one to move them together. Ctrl+C / Ctrl+V duplicates them with the connections between them; Delete removes them.</p>
      <div className="button-row">
        <button type="button" data-testid="copy-selection" onClick={() => store.getState().copySelection()}>
          Copy
        </button>
        <button type="button" className="danger-button" data-testid="delete-selection" onClick={() => store.getState().deleteElements(ids, store.getState().selection.edges)}>
          Delete {ids.length} nodes
        </button>
      </div>
    </div>
  );
}
