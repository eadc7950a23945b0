import type { PipelineSummary } from '@riffle/shared';
import { useEffect, useState } from 'react';
import { listPipelines } from '../api/pipelines-api';
import { openSaved } from '../api/save-flow';
import { useEditorStore } from '../hooks/useEditorStore';
import { useEscape } from '../hooks/useEscape';

/** The saved pipelines, newest save first; picking one opens its latest version. */
export function OpenPipelineDialog({ onClose }: { onClose(): void }) {
  const store = useEditorStore();
  const [list, setList] = useState<PipelineSummary[]>();
  const [error, setError] = useState<string>();
  useEscape(onClose);
  useEffect(() => {
    let live = true;
    void listPipelines().then((r) => {
      if (!live) return;
      if (r.ok) setList(r.pipelines);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-labelledby="open-pipeline-title" data-testid="open-dialog">
        <h2 id="open-pipeline-title">Open a saved pipeline</h2>
        {error && <p className="notice--error">{error}</p>}
        {list?.length === 0 && <p className="muted">Nothing saved yet: build a pipeline and press Save (Ctrl+S).</p>}
        {list && list.length > 0 && (
          <ul className="pipeline-list">
            {list.map((p) => (
              <li key={p.id}>
                <button type="button" data-testid="open-item" onClick={() => void openSaved(store, p.id).then((ok) => ok && onClose())}>
                  <span>{p.name}</span>
                  <span className="muted">
                    v{p.version} · {new Date(p.updatedAt).toLocaleString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog__actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
