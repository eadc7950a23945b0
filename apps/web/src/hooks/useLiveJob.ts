import { useEffect } from 'react';
import { followJob } from '../api/live';
import { useEditor } from './useEditor';
import { useEditorStore } from './useEditorStore';

/** Keeps a socket subscription to the current job for as long as there is one. */
export function useLiveJob(): void {
  const store = useEditorStore();
  const jobId = useEditor((s) => s.job.id);
  useEffect(() => (jobId ? followJob(store, jobId) : undefined), [store, jobId]);
}
