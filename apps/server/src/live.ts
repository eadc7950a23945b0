import type { Server } from 'socket.io';
import { JOBS_NAMESPACE, jobRoom, type CheckpointInfo, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '@riffle/shared';
import { isJobId } from './job-id.js';
import type { JobManager } from './job-manager.js';

export type RiffleIo = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * The live protocol: in namespace `/jobs`, `subscribe {jobId}` joins the job's room and acks the
 * snapshot (job, metrics history, previews); the room then gets `job:metrics` (volatile, ~1 Hz),
 * `job:preview` (when a collect sink's records changed), `job:status` (every change),
 * `checkpoint:started|completed|failed`, `job:restarted`, `job:failure` (each error that failed or
 * restarted the job) and `job:dead-letters` (new ones, a bounded sample at most once a sample). The ack also carries the job's
 * checkpoint list (`checkpoints`, from `listCheckpoints`). Returns a function that detaches the
 * manager's listeners.
 */
export function attachLive(io: RiffleIo, jobs: JobManager, listCheckpoints: (jobId: string) => Promise<CheckpointInfo[]>): () => void {
  const nsp = io.of(JOBS_NAMESPACE);
  nsp.on('connection', (socket) => {
    socket.on('subscribe', async (req, ack) => {
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
      // A checkpoint event during the listing reaches the client too; it replaces entries by id.
      const checkpoints = await listCheckpoints(jobId).catch(() => []);
      reply({ ok: true, ...snap, checkpoints });
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
    jobs.on('checkpoint', ({ kind, info }) => nsp.to(jobRoom(info.jobId)).emit(`checkpoint:${kind}`, info)),
    jobs.on('restarted', (e) => nsp.to(jobRoom(e.jobId)).emit('job:restarted', e)),
    jobs.on('failure', (f) => nsp.to(jobRoom(f.jobId)).emit('job:failure', f)),
    jobs.on('deadLetters', (d) => nsp.to(jobRoom(d.jobId)).emit('job:dead-letters', d)),
  ];
  return () => off.forEach((f) => f());
}
