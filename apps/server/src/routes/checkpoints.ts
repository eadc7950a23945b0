import express, { type Router } from 'express';
import type { CheckpointList } from '@riffle/shared';
import type { SnapshotService } from '../checkpoints/snapshot-service.js';
import type { JobManager } from '../job-manager.js';
import { jobId } from './jobs.js';

/**
 * `/api/jobs/:id/…` checkpoint routes: list (`CheckpointList`), trigger a checkpoint or a
 * savepoint (202 `{id, snapshotId?}`; it completes asynchronously and the socket reports it),
 * restore (`{checkpointId | savepointId, parallelism?}`).
 */
export function checkpointsRouter(jobs: JobManager, snapshots: SnapshotService): Router {
  const r = express.Router();

  r.get('/:id/checkpoints', async (req, res) => {
    const id = jobId(req, jobs);
    const body: CheckpointList = { checkpoints: await snapshots.list(id) };
    res.json(body);
  });

  for (const kind of ['checkpoint', 'savepoint'] as const) {
    r.post(`/:id/${kind}s`, async (req, res) => {
      const id = jobId(req, jobs);
      // A Flink job's answer comes once Flink named the checkpoint (see flinkTrigger).
      const { done: _done, ...answer } = await snapshots.trigger(id, kind);
      res.status(202).json(answer);
    });
  }

  r.post('/:id/restore', async (req, res) => {
    const id = jobId(req, jobs);
    const restoredFrom = await snapshots.restore(id, req.body);
    res.json({ ...jobs.details(id), restoredFrom });
  });

  return r;
}
