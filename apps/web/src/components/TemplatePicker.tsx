import { TEMPLATES } from '@riffle/shared';
import { useEditorStore } from '../hooks/useEditorStore';

/** The template gallery: picking one loads its pipeline onto the canvas (one undoable step). */
export function TemplatePicker() {
  const store = useEditorStore();
  return (
    <select
      className="template-picker"
      data-testid="templates-select"
      aria-label="Templates"
      title="Start from a template"
      value=""
      onChange={(e) => {
        const t = TEMPLATES.find((x) => x.id === e.target.value);
        if (!t) return;
        const r = store.getState().loadSpec(t.spec());
        store.getState().setNotice({ kind: r.ok ? 'info' : 'error', text: r.ok ? `Loaded the “${t.title}” template` : `Could not load “${t.title}”` });
      }}
    >
      <option value="">Templates…</option>
      {TEMPLATES.map((t) => (
        <option key={t.id} value={t.id} title={t.description}>
          {t.title}
        </option>
      ))}
    </select>
  );
}
