import type { PipelineSummary, PipelineVersionInfo } from '@riffle/shared';
import { useEffect, useState } from 'react';
import { listVersions } from '../api/pipelines-api';
import { openSaved } from '../api/save-flow';
import { useEditorStore } from '../hooks/useEditorStore';

/** The saved versions of one pipeline, newest first; opening an older one lets Save restore it. */
export function PipelineVersions({ pipeline, onOpened }: { pipeline: PipelineSummary; onOpened(): void }) {
  const store = useEditorStore();
  const [versions, setVersions] = useState<PipelineVersionInfo[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    void listVersions(pipeline.id).then((r) => {
      if (!live) return;
      if (r.ok) setVersions([...r.versions].reverse());
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [pipeline.id]);
  if (error) return <p className="notice--error">{error}</p>;
  return (
    <ul className="pipeline-list pipeline-versions" data-testid="version-list">
      {versions?.map((v) => (
        <li key={v.version}>
          <button
            type="button"
            data-testid={`open-version-${v.version}`}
            onClick={() => void openSaved(store, pipeline.id, { version: v.version, latest: pipeline.version }).then((ok) => ok && onOpened())}
          >
            <span>
              v{v.version} · {v.name}
            </span>
            <span className="muted">{new Date(v.savedAt).toLocaleString()}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
