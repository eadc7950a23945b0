import { jobRoom } from '@riffle/shared';
import type { EditorStore } from '../store/editor-store';
import { joinJobsSocket } from './jobs-socket';

/**
 * Follows one job over socket.io: subscribes (again after every reconnect, since the ack carries
 * the current snapshot), then feeds metrics, status and previews into the store.
 * Returns the function that stops following.
 */
export function followJob(store: EditorStore, jobId: string): () => void {
  const link = joinJobsSocket();
  const s = () => store.getState();
  link.onConnected(() => {
    link.socket.emit('subscribe', { jobId }, (ack) => {
      if (ack.ok) s().jobSnapshot(ack);
      else s().jobStatus({ jobId, status: s().job.status === 'created' ? 'failed' : 'stopped', error: { code: 'subscribe_failed', message: ack.error, domain: 'internal', retryable: true } });
    });
  });
  link.hold(jobRoom(jobId), () => link.socket.emit('unsubscribe', { jobId }));
  link.on('connect_error', (err) => {
    // A refused handshake does not retry by itself; say why instead of looking frozen.
    if (err.message === 'unauthorized')
      s().setNotice({ kind: 'error', text: 'Live updates refused: not authorized. Open the URL the server printed at start (it ends in ?token=…).' });
  });
  link.on('job:metrics', (m) => m.jobId === jobId && s().jobMetrics(m));
  link.on('job:status', (u) => u.jobId === jobId && s().jobStatus(u));
  link.on('job:preview', (p) => p.jobId === jobId && s().jobPreview(p));
  return () => link.release();
}
