import { useEffect, useState } from 'react';
import { createEditorStore, type EditorStore } from '../store/editor-store';
import { EMPTY_GRAPH } from '../store/graph-types';
import { followJobPage } from './follow-job-page';
import { createConsoleStore, type ConsoleStore } from './store/console-store';

/**
 * The stores of one job page, following the job live while the page is open. The page gets its
 * own editor store (not the builder's): the graph it shows is the job's running spec, and the
 * canvas node components read rates, load and state from that store's job slice.
 */
export function useJobPage(jobId: string): { editor: EditorStore; consoleStore: ConsoleStore } {
  const [stores] = useState(() => {
    const editor = createEditorStore({ ...EMPTY_GRAPH, nodes: [], edges: [] });
    editor.getState().jobCreated(jobId);
    return { editor, consoleStore: createConsoleStore() };
  });
  useEffect(() => followJobPage(jobId, stores.editor, stores.consoleStore), [jobId, stores]);
  return stores;
}
