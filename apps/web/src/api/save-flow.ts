import type { EditorStore } from '../store/editor-store';
import { currentSaved } from '../store/saved-slice';
import { toSpec } from '../store/serialize';
import { fetchPipeline, savePipeline } from './pipelines-api';

const problemsNote = (n: number) => (n === 0 ? '' : ` (${n} problem${n === 1 ? '' : 's'} to fix before it can run)`);

/**
 * Save (and Ctrl+S): a new version of the pipeline on the canvas. `overwrite` saves over the
 * newer version a conflict reported, after the user chose to.
 */
export async function saveCanvas(store: EditorStore, opts: { overwrite?: boolean } = {}): Promise<void> {
  const s = store.getState();
  if (s.saved.busy) return;
  const base = currentSaved(s);
  const baseVersion = opts.overwrite && s.saved.conflict ? s.saved.conflict.currentVersion : base?.version;
  const name = s.graph.name.trim() || 'untitled-pipeline';
  s.saveStarted();
  const r = await savePipeline(name, toSpec(s.graph), base && baseVersion !== undefined ? { id: base.id, version: baseVersion } : undefined);
  const after = store.getState();
  if (r.ok) {
    after.saveSucceeded(r.id, r.version);
    after.setNotice({ kind: 'info', text: `Saved ${name} as version ${r.version}${problemsNote(r.problems.length)}` });
  } else if (r.conflict) {
    after.saveConflict({ currentVersion: r.conflict.currentVersion, message: r.conflict.message });
  } else {
    after.saveFailed();
    after.setNotice({ kind: 'error', text: `Could not save: ${r.error}` });
  }
}

/**
 * Open…, and "Load theirs" after a conflict: the latest version replaces the canvas. With
 * `version` (an older one, `latest` being the newest), the canvas shows that version but is based
 * on the latest, so Save restores it as a new version instead of reporting a conflict.
 */
export async function openSaved(store: EditorStore, id: string, older?: { version: number; latest: number }): Promise<boolean> {
  const r = await fetchPipeline(id, older?.version);
  const s = store.getState();
  if (!r.ok) {
    s.setNotice({ kind: 'error', text: `Could not open the pipeline: ${r.error}` });
    return false;
  }
  const p = r.pipeline;
  const opened = s.pipelineOpened({ id: p.id, spec: p.spec, version: older?.latest ?? p.version });
  if (!opened.ok) {
    s.setNotice({ kind: 'error', text: `Cannot open ${p.name}: ${opened.error}` });
    return false;
  }
  const restore = older && older.version !== older.latest ? `; Save makes it version ${older.latest + 1}` : '';
  s.setNotice({ kind: 'info', text: `Opened ${p.name} version ${p.version}${problemsNote(p.problems.length)}${restore}` });
  return true;
}
