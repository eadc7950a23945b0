import { JOBS_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@riffle/shared';
import { io, type Socket } from 'socket.io-client';
import type { EditorStore } from '../store/editor-store';
import { accessToken } from './access-token';

/**
 * Follows one job over socket.io: subscribes (again after every reconnect, since the ack carries
 * the current snapshot), then feeds metrics, status and previews into the store.
 * Returns the function that stops following.
 */
export function followJob(store: EditorStore, jobId: string): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(JOBS_NAMESPACE, { auth: (cb) => cb({ token: accessToken() ?? '' }) });
  const s = () => store.getState();
  socket.on('connect', () => {
    socket.emit('subscribe', { jobId }, (ack) => {
      if (ack.ok) s().jobSnapshot(ack);
      else s().jobStatus({ jobId, status: s().job.status === 'created' ? 'failed' : 'stopped', error: { code: 'subscribe_failed', message: ack.error, domain: 'internal', retryable: true } });
    });
  });
  socket.on('connect_error', (err) => {
    // A refused handshake does not retry by itself; say why instead of looking frozen.
    if (err.message === 'unauthorized')
      s().setNotice({ kind: 'error', text: 'Live updates refused: not authorized. Open the URL the server printed at start (it ends in ?token=…).' });
  });
  socket.on('job:metrics', (m) => s().jobMetrics(m));
  socket.on('job:status', (u) => s().jobStatus(u));
  socket.on('job:preview', (p) => s().jobPreview(p));
  return () => {
    if (socket.connected) socket.emit('unsubscribe', { jobId });
    socket.disconnect();
  };
}
