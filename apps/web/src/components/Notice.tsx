import { useEffect } from 'react';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';

/** A short message about the last file action; info notices fade on their own. */
export function Notice() {
  const store = useEditorStore();
  const notice = useEditor((s) => s.notice);
  useEffect(() => {
    if (notice?.kind !== 'info') return;
    const t = setTimeout(() => store.getState().setNotice(undefined), 5000);
    return () => clearTimeout(t);
  }, [notice, store]);
  if (!notice) return null;
  return (
    <div className={`notice notice--${notice.kind}`} role="status" data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => store.getState().setNotice(undefined)}>
        ×
      </button>
    </div>
  );
}
