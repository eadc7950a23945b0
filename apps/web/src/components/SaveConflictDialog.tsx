import { useCallback } from 'react';
import { openSaved, saveCanvas } from '../api/save-flow';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useEscape } from '../hooks/useEscape';

/** Shown when a save was refused as stale (409): load the newer version, or overwrite it. */
export function SaveConflictDialog() {
  const store = useEditorStore();
  const conflict = useEditor((s) => s.saved.conflict);
  const id = useEditor((s) => s.saved.id);
  const base = useEditor((s) => s.saved.version);
  const name = useEditor((s) => s.graph.name);
  const dismiss = useCallback(() => store.getState().dismissConflict(), [store]);
  useEscape(dismiss);
  if (!conflict || !id) return null;
  return (
    <div className="dialog-backdrop">
      <div className="dialog dialog--conflict" role="alertdialog" aria-labelledby="save-conflict-title" data-testid="save-conflict">
        <h2 id="save-conflict-title">Someone saved a newer version</h2>
        <p data-testid="save-conflict-message" title={conflict.message}>
          Someone saved version {conflict.currentVersion} of “{name}” after version {base} that you started from, so your save was not stored. Load theirs to
          see their version (your unsaved changes are lost), or overwrite it with yours as version {conflict.currentVersion + 1}.
        </p>
        <div className="dialog__actions">
          <button type="button" data-testid="conflict-cancel" onClick={dismiss}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="conflict-load-theirs"
            title={`Replace the canvas with version ${conflict.currentVersion}; your unsaved changes are lost`}
            onClick={() => void openSaved(store, id)}
          >
            Load theirs (v{conflict.currentVersion})
          </button>
          <button
            type="button"
            className="primary-button"
            data-testid="conflict-overwrite"
            title={`Save the canvas as a new version after ${conflict.currentVersion}`}
            onClick={() => void saveCanvas(store, { overwrite: true })}
          >
            Overwrite
          </button>
        </div>
      </div>
    </div>
  );
}
