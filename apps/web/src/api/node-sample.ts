import { sampleRoom, type SampledRecord } from '@riffle/shared';
import { joinJobsSocket } from './jobs-socket';

export type SampleUpdate = { records: readonly SampledRecord[]; error?: undefined } | { records?: undefined; error: string };

/**
 * Follows the live preview of one node of a running job: subscribes (again after a reconnect),
 * then passes on every `node:sample`. The server keeps the node's sampling tap on only while
 * someone follows it. Returns the function that stops following.
 */
export function followNodeSample(jobId: string, nodeId: string, onUpdate: (u: SampleUpdate) => void): () => void {
  const link = joinJobsSocket();
  link.onConnected(() => {
    link.socket.emit('sample:subscribe', { jobId, nodeId }, (ack) => onUpdate(ack.ok ? { records: ack.records } : { error: ack.message }));
  });
  link.hold(sampleRoom(jobId, nodeId), () => link.socket.emit('sample:unsubscribe', { jobId, nodeId }));
  link.on('node:sample', (u) => {
    if (u.jobId === jobId && u.nodeId === nodeId) onUpdate({ records: u.records });
  });
  return () => link.release();
}
