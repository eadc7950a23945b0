import { jobRoom, type CheckpointInfo, type RestartEvent } from '@riffle/shared';
import { joinJobsSocket } from './jobs-socket';

export interface CheckpointFeed {
  /** The whole list (subscribe acknowledgement, again after every reconnect). */
  onList(list: CheckpointInfo[]): void;
  /** One checkpoint started, progressed, completed or failed. */
  onCheckpoint(c: CheckpointInfo): void;
  onRestart(e: RestartEvent): void;
}

/**
 * Follows one job's checkpoints over the page's shared live socket, so the panel works wherever
 * it is mounted. Returns the function that stops following.
 */
export function followCheckpoints(jobId: string, feed: CheckpointFeed): () => void {
  const link = joinJobsSocket();
  link.onConnected(() => {
    link.socket.emit('subscribe', { jobId }, (ack) => {
      if (ack.ok && ack.checkpoints) feed.onList(ack.checkpoints);
    });
  });
  link.hold(jobRoom(jobId), () => link.socket.emit('unsubscribe', { jobId }));
  const mine = (c: CheckpointInfo) => c.jobId === jobId && feed.onCheckpoint(c);
  link.on('checkpoint:started', mine);
  link.on('checkpoint:completed', mine);
  link.on('checkpoint:failed', mine);
  link.on('job:restarted', (e) => e.jobId === jobId && feed.onRestart(e));
  return () => link.release();
}
