import type { ChangeEvent } from 'react';
import { useEditorStore } from '../hooks/useEditorStore';
import { toSpec } from '../store/serialize';
import { validateGraph } from '../store/validation';
import { TemplatePicker } from './TemplatePicker';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** New, Load demo, templates, Import and Export of the spec as a JSON file. */
export function FileActions() {
  const store = useEditorStore();

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // so that the same file can be imported again
    if (!file) return;
    const s = store.getState();
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      s.setNotice({ kind: 'error', text: `${file.name} is not valid JSON` });
      return;
    }
    const r = s.loadSpec(json);
    if (!r.ok) {
      s.setNotice({ kind: 'error', text: `Cannot import ${file.name}: ${r.error}` });
      return;
    }
    const problems = validateGraph(store.getState().graph).errors.length;
    s.setNotice({ kind: problems ? 'error' : 'info', text: `Imported ${file.name}${problems ? ` with ${problems} problem${problems === 1 ? '' : 's'}` : ''}` });
  };

  const onExport = () => {
    const spec = toSpec(store.getState().graph);
    download(`${spec.name || 'pipeline'}.json`, `${JSON.stringify(spec, null, 2)}\n`);
  };

  return (
    <div className="file-actions">
      <button type="button" data-testid="new-button" onClick={() => store.getState().newPipeline()}>
        New
      </button>
      <button type="button" data-testid="demo-button" onClick={() => store.getState().loadDemo()}>
        Load demo
      </button>
      <TemplatePicker />
      <label className="button" title="Load a job spec from a JSON file">
        Import
        <input type="file" accept=".json,application/json" className="visually-hidden" data-testid="import-input" onChange={(e) => void onImport(e)} />
      </label>
      <button type="button" data-testid="export-button" title="Download the job spec as JSON" onClick={onExport}>
        Export
      </button>
    </div>
  );
}
