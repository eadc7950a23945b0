import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** An unbounded keyed window on the disk state backend. */
const diskSpec = {
  specVersion: 1,
  name: 'disk-state',
  config: { stateBackend: 'disk' },
  nodes: [
    { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 2000 } },
    { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '1h', aggregate: [{ fn: 'count', as: 'n' }] } },
    { id: 'out', kind: 'sink.collect', params: { limit: 10 } },
  ],
  edges: [
    { from: 'gen', to: 'byUser' },
    { from: 'byUser', to: 'win' },
    { from: 'win', to: 'out' },
  ],
};

describe('disk state backend through the server', () => {
  it("keeps a job's LevelDB state under its job folder and deletes it when the job stops", async () => {
    const dataDir = await tempDir();
    cleanup.push(() => removeDir(dataDir));
    const server = await startServer({ dataDir });
    cleanup.push(() => server.close());
    const created = await api(server, '/api/jobs', { json: diskSpec });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const jobDir = join(dataDir, 'jobs', id);
    // The job folder is the job's checkpointDir: disk state lives in its `state/` subfolder.
    await waitFor(async () => (await readdir(join(jobDir, 'state')).catch((): string[] => [])).includes('win-0'), 'the window subtask database', 20_000);
    expect((await api(server, `/api/jobs/${id}/stop`, { method: 'POST' })).body.status).toBe('stopped');
    // (job.json may be being rewritten next to it: only the state folder is checked.)
    expect((await readdir(jobDir)).filter((f) => f === 'state')).toEqual([]);
  }, 60_000);
});
