import { JOBS_NAMESPACE, type ClientToServerEvents, type SampledRecord, type ServerToClientEvents } from '@riffle/shared';
import { io, type Socket } from 'socket.io-client';
import { accessToken } from './access-token';

export type SampleUpdate = { records: readonly SampledRecord[]; error?: undefined } | { records?: undefined; error: string };

/**
 * Follows the live preview of one node of a running job: subscribes (again after a reconnect),
 * then passes on every `node:sample`. The server keeps the node's sampling tap on only while
 * someone follows it. Returns the function that stops following.
 */
export function followNodeSample(jobId: string, nodeId: string, onUpdate: (u: SampleUpdate) => void): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(JOBS_NAMESPACE, { auth: (cb) => cb({ token: accessToken() ?? '' }) });
  socket.on('connect', () => {
    socket.emit('sample:subscribe', { jobId, nodeId }, (ack) => onUpdate(ack.ok ? { records: ack.records } : { error: ack.message }));
  });
  socket.on('node:sample', (u) => {
    if (u.jobId === jobId && u.nodeId === nodeId) onUpdate({ records: u.records });
  });
  return () => {
    if (socket.connected) socket.emit('sample:unsubscribe', { jobId, nodeId });
    socket.disconnect();
  };
}
