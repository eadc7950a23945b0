import type { Server } from 'socket.io';
import { JOBS_NAMESPACE, jobRoom, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '@riffle/shared';
import { isJobId } from './job-id.js';
import type { JobManager } from './job-manager.js';

export type RiffleIo = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * The live protocol: in namespace `/jobs`, `subscribe {jobId}` joins the job's room and acks the
 * snapshot (job, metrics history, previews); the room then gets `job:metrics` (volatile, ~1 Hz),
 * `job:preview` (when a collect sink's records changed) and `job:status` (every change).
 * Returns a function that detaches the manager's listeners.
 */
export function attachLive(io: RiffleIo, jobs: JobManager): () => void {
  const nsp = io.of(JOBS_NAMESPACE);
  nsp.on('connection', (socket) => {
    socket.on('subscribe', (req, ack) => {
      const reply = typeof ack === 'function' ? ack : (_: SubscribeAck) => {};
      const jobId: unknown = req?.jobId;
      if (!isJobId(jobId)) return reply({ ok: false, error: 'bad_job_id' });
      // Join before taking the snapshot so no event falls between the two.
      void socket.join(jobRoom(jobId));
      const snap = jobs.snapshot(jobId);
      if (!snap) {
        void socket.leave(jobRoom(jobId));
        return reply({ ok: false, error: 'not_found' });
      }
      reply({ ok: true, ...snap });
    });
    socket.on('unsubscribe', (req) => {
      const jobId: unknown = req?.jobId;
      if (isJobId(jobId)) void socket.leave(jobRoom(jobId));
    });
  });
  const off = [
    jobs.on('metrics', (m) => nsp.to(jobRoom(m.jobId)).volatile.emit('job:metrics', m)),
    jobs.on('preview', (p) => nsp.to(jobRoom(p.jobId)).emit('job:preview', p)),
    jobs.on('status', (s) => nsp.to(jobRoom(s.jobId)).emit('job:status', s)),
  ];
  return () => off.forEach((f) => f());
}
