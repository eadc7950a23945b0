import { isActive } from '../store/job-slice';
import type { EditorStore } from '../store/editor-store';
import { toSpec } from '../store/serialize';
import { getJob, listJobs, stopJob as postStop, submitJob } from './jobs-api';

/** Run: posts the canvas as a spec (it says where it runs: `config.target`); a 400 lands in the problems panel. */
export async function runJob(store: EditorStore): Promise<void> {
  const s = store.getState();
  if (isActive(s.job.status)) return;
  s.jobSubmitting();
  const r = await submitJob(toSpec(s.graph));
  if (r.ok) store.getState().jobCreated(r.id);
  else store.getState().jobRejected(r.error, r.problems);
}

/** Stop: asks the server to stop the current job; the status arrives over the socket. */
export async function stopJob(store: EditorStore): Promise<void> {
  const { job } = store.getState();
  if (!job.id || !isActive(job.status)) return;
  const id = job.id;
  store.getState().jobStatus({ jobId: id, status: 'stopping' });
  try {
    const info = await postStop(id);
    // The socket may already have reported `stopped`; never step back from it.
    if (info && store.getState().job.status === 'stopping')
      store.getState().jobStatus({ jobId: id, status: info.status, ...(info.error ? { error: info.error } : {}) });
  } catch (e) {
    store.getState().jobStatus({ jobId: id, status: 'running', error: { code: 'stop_failed', message: `could not stop the job: ${(e as Error).message}`, domain: 'external', retryable: true } });
  }
}

/**
 * On page load: when the server is already running a job (the `npm start` demo, or a job started
 * from another tab), show that job's pipeline and follow it live instead of an idle canvas.
 */
export async function attachToActiveJob(store: EditorStore): Promise<boolean> {
  const active = (await listJobs()).filter((j) => isActive(j.status)).sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!active) return false;
  const job = await getJob(active.id);
  // Leave the canvas alone if the user started editing meanwhile.
  if (!job || store.getState().job.status !== 'idle' || !store.getState().loadSpec(job.spec).ok) return false;
  // Showing the running job is not an edit the user could want to undo.
  store.getState().clearHistory();
  store.getState().jobCreated(job.id);
  return true;
}
