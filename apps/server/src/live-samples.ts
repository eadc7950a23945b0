import { JOBS_NAMESPACE, NODE_ID_RE, sampleRoom, type SampleSubscribeAck } from '@riffle/shared';
import { isJobId } from './job-id.js';
import type { JobManager } from './job-manager.js';
import type { RiffleIo } from './live.js';

/**
 * Live preview of any node, on the `/jobs` namespace: `sample:subscribe {jobId, nodeId}` joins
 * the node's room and acks the records sampled so far; while the room has members the server asks
 * the engine for the node's sample once a period (which keeps the engine's tap on) and sends
 * `node:sample` to the room when it changed. Once the last viewer leaves the server stops asking,
 * and the engine takes the tap out 30 s later. Returns a function that stops the timer.
 */
export function attachSamples(io: RiffleIo, jobs: JobManager, intervalMs = 1000): () => void {
  const nsp = io.of(JOBS_NAMESPACE);
  /** room → the node it previews and the signature of the records last sent. */
  const watched = new Map<string, { jobId: string; nodeId: string; sent: string }>();
  nsp.on('connection', (socket) => {
    socket.on('sample:subscribe', (req, ack) => {
      const reply = typeof ack === 'function' ? ack : (_: SampleSubscribeAck) => {};
      const jobId: unknown = req?.jobId;
      const nodeId: unknown = req?.nodeId;
      if (!isJobId(jobId)) return reply({ ok: false, error: 'bad_job_id', message: 'job ids are 3-64 lower-case letters, digits and dashes' });
      if (typeof nodeId !== 'string' || !NODE_ID_RE.test(nodeId)) return reply({ ok: false, error: 'bad_node_id', message: 'send the id of a node of the job' });
      const records = jobs.sampleNode(jobId, nodeId);
      if (records === undefined) return reply({ ok: false, error: 'not_found', message: `job ${jobId} has no node ${nodeId}` });
      const room = sampleRoom(jobId, nodeId);
      void socket.join(room);
      if (!watched.has(room)) watched.set(room, { jobId, nodeId, sent: '' });
      reply({ ok: true, jobId, nodeId, records });
    });
    socket.on('sample:unsubscribe', (req) => {
      if (isJobId(req?.jobId) && typeof req?.nodeId === 'string') void socket.leave(sampleRoom(req.jobId, req.nodeId));
    });
  });
  const timer = setInterval(() => {
    for (const [room, w] of watched) {
      if (!nsp.adapter.rooms.get(room)?.size) {
        watched.delete(room);
        continue;
      }
      const records = jobs.sampleNode(w.jobId, w.nodeId) ?? [];
      // Records are only ever appended: length and newest timestamp tell whether anything changed.
      const sig = `${records.length}|${records.at(-1)?.at ?? ''}|${records.at(-1)?.subtask ?? ''}`;
      if (sig === w.sent) continue;
      w.sent = sig;
      // Not volatile: a volatile emit right after another to the same socket is dropped while
      // the first is still being written, and a viewer of two nodes would never see the second.
      nsp.to(room).emit('node:sample', { jobId: w.jobId, nodeId: w.nodeId, records });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
