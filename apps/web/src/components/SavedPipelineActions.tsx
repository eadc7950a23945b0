import './saved-pipelines.css';
import { useState } from 'react';
import { saveCanvas } from '../api/save-flow';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useSaveShortcut } from '../hooks/useSaveShortcut';
import { currentSaved } from '../store/saved-slice';
import { OpenPipelineDialog } from './OpenPipelineDialog';
import { SaveConflictDialog } from './SaveConflictDialog';

/** Save (Ctrl+S) and Open… of pipelines kept on the server, with the version the canvas is at. */
export function SavedPipelineActions() {
  const store = useEditorStore();
  useSaveShortcut();
  const [opening, setOpening] = useState(false);
  const version = useEditor((s) => currentSaved(s)?.version);
  const busy = useEditor((s) => s.saved.busy);
  return (
    <div className="saved-actions">
      <button type="button" data-testid="save-button" disabled={busy} title="Save a new version on the server (Ctrl+S)" onClick={() => void saveCanvas(store)}>
        Save
      </button>
      <button type="button" data-testid="open-button" title="Open a pipeline saved on the server" onClick={() => setOpening(true)}>
        Open…
      </button>
      {version === undefined ? (
        <span className="saved-version saved-version--unsaved" data-testid="saved-version" title="This canvas is not saved on the server yet">
          not saved
        </span>
      ) : (
        <span className="saved-version" data-testid="saved-version" title="The saved version this canvas is based on">
          v{version}
        </span>
      )}
      {opening && <OpenPipelineDialog onClose={() => setOpening(false)} />}
      <SaveConflictDialog />
    </div>
  );
}
