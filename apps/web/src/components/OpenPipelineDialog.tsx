import type { PipelineSummary } from '@riffle/shared';
import { useEffect, useState } from 'react';
import { listPipelines } from '../api/pipelines-api';
import { openSaved } from '../api/save-flow';
import { useEditorStore } from '../hooks/useEditorStore';
import { useEscape } from '../hooks/useEscape';
import { PipelineVersions } from './PipelineVersions';

/** The saved pipelines, newest save first; picking one opens its latest version. */
export function OpenPipelineDialog({ onClose }: { onClose(): void }) {
  const store = useEditorStore();
  const [list, setList] = useState<PipelineSummary[]>();
  const [error, setError] = useState<string>();
  const [expanded, setExpanded] = useState<string>();
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
                <div className="pipeline-row">
                  <button type="button" data-testid="open-item" onClick={() => void openSaved(store, p.id).then((ok) => ok && onClose())}>
                    <span>{p.name}</span>
                    <span className="muted">
                      v{p.version} · {new Date(p.updatedAt).toLocaleString()}
                    </span>
                  </button>
                  <button
                    type="button"
                    className="versions-toggle"
                    data-testid="versions-toggle"
                    aria-expanded={expanded === p.id}
                    title="Earlier versions"
                    onClick={() => setExpanded(expanded === p.id ? undefined : p.id)}
                  >
                    versions
                  </button>
                </div>
                {expanded === p.id && <PipelineVersions pipeline={p} onOpened={onClose} />}
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
