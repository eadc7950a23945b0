import { JOBS_NAMESPACE, type CheckpointInfo, type ClientToServerEvents, type RestartEvent, type ServerToClientEvents } from '@riffle/shared';
import { io, type Socket } from 'socket.io-client';
import { accessToken } from './access-token';

export interface CheckpointFeed {
  /** The whole list (subscribe acknowledgement, again after every reconnect). */
  onList(list: CheckpointInfo[]): void;
  /** One checkpoint started, progressed, completed or failed. */
  onCheckpoint(c: CheckpointInfo): void;
  onRestart(e: RestartEvent): void;
}

/**
 * Follows one job's checkpoints over the live socket (its own connection on the shared manager,
 * so the panel works wherever it is mounted). Returns the function that stops following.
 */
export function followCheckpoints(jobId: string, feed: CheckpointFeed): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(JOBS_NAMESPACE, { auth: (cb) => cb({ token: accessToken() ?? '' }) });
  socket.on('connect', () => {
    socket.emit('subscribe', { jobId }, (ack) => {
      if (ack.ok && ack.checkpoints) feed.onList(ack.checkpoints);
    });
  });
  const mine = (c: CheckpointInfo) => c.jobId === jobId && feed.onCheckpoint(c);
  socket.on('checkpoint:started', mine);
  socket.on('checkpoint:completed', mine);
  socket.on('checkpoint:failed', mine);
  socket.on('job:restarted', (e) => e.jobId === jobId && feed.onRestart(e));
  return () => {
    if (socket.connected) socket.emit('unsubscribe', { jobId });
    socket.disconnect();
  };
}
