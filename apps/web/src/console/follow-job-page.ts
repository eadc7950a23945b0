import { jobRoom } from '@riffle/shared';
import { joinJobsSocket } from '../api/jobs-socket';
import { fetchCheckpoints, fetchDeadLetters, fetchFailures } from '../api/console-api';
import type { EditorStore } from '../store/editor-store';
import { spreadPositions } from './lib/spread';
import type { ConsoleStore } from './store/console-store';

/** Words for socket.io's disconnect reasons. */
function why(reason: string): string {
  if (reason === 'transport close' || reason === 'transport error') return 'the connection to the server was lost';
  if (reason === 'ping timeout') return 'the server stopped answering';
  if (reason === 'io server disconnect') return 'the server closed the connection';
  return reason;
}

/**
 * Follows one job for its page: subscribes on every (re)connect, because the ack carries a fresh
 * snapshot (job, full metrics history) that replaces whatever the page held while offline; feeds
 * metrics and status into the page's editor store; checkpoints, failures, dead letters and the
 * link state into the console store. Returns the function that stops following.
 */
export function followJobPage(jobId: string, editor: EditorStore, consoleStore: ConsoleStore): () => void {
  const link = joinJobsSocket();
  const e = () => editor.getState();
  const c = () => consoleStore.getState();
  const refreshCheckpoints = async () => {
    const r = await fetchCheckpoints(jobId);
    if (r.ok) c().setCheckpoints(r.data.checkpoints);
  };
  // History once per (re)subscribe; pushes keep it current (none are sent while offline).
  const refreshErrors = async () => {
    const [f, d] = await Promise.all([fetchFailures(jobId), fetchDeadLetters(jobId)]);
    c().setErrorHistory({ ...(f.ok ? { failures: f.data.failures } : {}), ...(d.ok ? { deadLetters: d.data.deadLetters, deadTotal: d.data.total } : {}) });
  };

  /** The running spec the graph shows: only a restore at another parallelism changes it. */
  let shown = '';
  const subscribe = () =>
    link.socket.emit('subscribe', { jobId }, (ack) => {
      if (!ack.ok) {
        c().linkGone(ack.error === 'not_found' ? 'the server does not know this job' : ack.error);
        return;
      }
      const spec = JSON.stringify(ack.job.spec);
      if (spec !== shown && e().loadSpec(spreadPositions(ack.job.spec)).ok) {
        shown = spec;
        e().clearHistory();
      }
      e().jobSnapshot(ack);
      c().setInfo(ack.job);
      c().linkLive();
      void refreshCheckpoints();
      void refreshErrors();
    });
  link.onConnected(subscribe);
  link.hold(jobRoom(jobId), () => link.socket.emit('unsubscribe', { jobId }));
  // A restore may change the spec (parallelism); the fresh snapshot redraws the graph then.
  link.on('job:restarted', (r) => r.jobId === jobId && subscribe());
  link.on('disconnect', (reason) => c().linkOffline(why(reason)));
  link.on('connect_error', (err) => c().linkOffline(err.message === 'unauthorized' ? 'not authorized: open the URL the server printed (it ends in ?token=…)' : 'cannot reach the server'));
  link.onReconnectAttempt((n) => c().linkRetrying(n));
  link.on('job:metrics', (m) => m.jobId === jobId && e().jobMetrics(m));
  link.on('job:status', (s) => s.jobId === jobId && e().jobStatus(s));
  link.on('job:preview', (p) => p.jobId === jobId && e().jobPreview(p));
  link.on('job:failure', (f) => f.jobId === jobId && c().failureEvent(f));
  link.on('job:dead-letters', (d) => d.jobId === jobId && c().deadLettersEvent(d));
  for (const ev of ['checkpoint:started', 'checkpoint:completed', 'checkpoint:failed'] as const)
    link.on(ev, (info) => {
      if (info.jobId === jobId) c().checkpointEvent(info);
    });
  return () => link.release();
}
