import { expect } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import { waitFor } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { seededInt } from './seeded.js';

const completedNumbers = (list: CheckpointInfo[]) => list.filter((c) => c.kind === 'checkpoint' && c.status === 'completed').map((c) => c.id);

export interface KillLoop {
  /** The server the job runs on after the last kill. */
  server: ServerProcess;
  /** The job had finished before the last kill (a server started after the end has no previews). */
  finishedBeforeLastKill: boolean;
}

/**
 * T1's fault: `kill -9` of the server running job `id` at `kills` moments picked from `seed`,
 * each after the run completed a checkpoint of its own (so every round makes progress), restarting
 * it every time. Checks that the job resumed by itself from a checkpoint at least as new as the
 * newest one seen before the kill. `label` prefixes the log lines.
 */
export async function killRepeatedly(o: { first: ServerProcess; dir: string; token: string; env: Record<string, string>; id: string; kills: number; seed: number; label: string; onServer?: (s: ServerProcess) => void }): Promise<KillLoop> {
  const { id } = o;
  let server = o.first;
  let newest = 0;
  let finishedBeforeLastKill = false;
  for (let k = 0; k < o.kills; k++) {
    const s = server;
    await waitFor(async () => (await s.api(`/api/jobs/${id}`)).body.status === 'running', `the job to run (round ${k})`, 30_000);
    await waitFor(async () => {
      const j = (await s.api(`/api/jobs/${id}`)).body;
      return j.status === 'finished' || Math.max(0, ...completedNumbers((await s.api(`/api/jobs/${id}/checkpoints`)).body.checkpoints)) > newest;
    }, `a new checkpoint (round ${k})`, 60_000);
    const delay = seededInt(o.seed, k, 1000);
    await new Promise((r) => setTimeout(r, delay));
    const seen = completedNumbers((await s.api(`/api/jobs/${id}/checkpoints`)).body.checkpoints);
    const before = (await s.api(`/api/jobs/${id}`)).body;
    newest = Math.max(newest, ...seen);
    await s.kill9();
    console.log(`${o.label} round ${k}: killed ${delay} ms after checkpoint ${newest}, status ${before.status}, completed checkpoints ${seen.join(',')}`);

    server = await startServerProcess(o.dir, o.token, o.env);
    o.onServer?.(server);
    const job = (await server.api(`/api/jobs/${id}`)).body;
    if (before.status === 'finished') {
      expect(job.status).toBe('finished');
      finishedBeforeLastKill = true;
      continue;
    }
    // Resumed without user action, from a checkpoint at least as new as the last one we saw.
    expect(job.lastRestart).toMatchObject({ reason: 'server-restart' });
    if (seen.length > 0) {
      expect(job.lastRestart.snapshotId, JSON.stringify(job.lastRestart)).toMatch(/^chk-\d+$/);
      expect(Number(job.lastRestart.snapshotId.slice(4))).toBeGreaterThanOrEqual(Math.max(...seen));
    }
  }
  return { server, finishedBeforeLastKill };
}

/** Waits until job `id` finished on `s` (a failure throws with its error). */
export function finished(s: ServerProcess, id: string): Promise<any> {
  return waitFor(
    async () => {
      const j = (await s.api(`/api/jobs/${id}`)).body;
      if (j.status === 'failed') throw new Error(`the job failed: ${JSON.stringify(j.error)}`);
      return j.status === 'finished' ? j : undefined;
    },
    'the job to finish',
    120_000,
  );
}
