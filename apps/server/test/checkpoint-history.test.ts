import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import { countingSpec } from './checkpoint-helpers.js';
import { removeDir, tempDir, waitFor } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'history-test-token-0123456789abcdef';

let dir: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  // The child runs the built server; build it so this test checks the current sources.
  await promisify(execFile)(process.execPath, [join(pkg, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: pkg });
  dir = await tempDir('riffle-history-');
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.kill9();
  await removeDir(dir);
});

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await startServerProcess(dir, TOKEN, env);
  servers.push(s);
  return s;
}

async function list(s: ServerProcess, id: string): Promise<CheckpointInfo[]> {
  const r = await s.api<{ checkpoints: CheckpointInfo[] }>(`/api/jobs/${id}/checkpoints`);
  expect(r.status).toBe(200);
  return r.body.checkpoints;
}

/** Triggers a checkpoint and waits until the list shows it finished (completed or failed). */
async function checkpoint(s: ServerProcess, id: string): Promise<CheckpointInfo> {
  // The previous one may be listed finished (its metadata is durable) a moment before the engine is done with it.
  const r = await waitFor(async () => {
    const t = await s.api(`/api/jobs/${id}/checkpoints`, { method: 'POST' });
    return t.status === 409 && t.body.error === 'checkpoint_in_progress' ? undefined : t;
  }, 'the checkpoint to start');
  expect(r.status).toBe(202);
  return waitFor(async () => (await list(s, id)).find((c) => c.id === r.body.id && c.status !== 'in_progress'), `checkpoint ${r.body.id} to finish`, 60_000);
}

/** What must survive the restart, per entry. */
const facts = (c: CheckpointInfo) => ({ id: c.id, status: c.status, kind: c.kind, startedAt: c.startedAt, durationMs: c.durationMs, alignmentMs: c.alignmentMs, operators: c.operators, error: c.error });

describe('checkpoint history across a server restart', { timeout: 240_000 }, () => {
  it('lists completed (also retired) and failed checkpoints with their figures after kill -9, and numbers new ones after them', async () => {
    // The 4th _metadata write fails with ENOSPC: checkpoint 4 fails with a reason, the job runs on.
    const a = await start({ RIFFLE_FAULT: 'chk.meta.beforeRename:4:ENOSPC' });
    const submitted = await a.api('/api/jobs', { json: countingSpec({ count: 50_000_000, rate: 2_000, retain: 1, name: 'history' }) });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    await waitFor(async () => (await a.api(`/api/jobs/${id}`)).body.status === 'running', 'the job to run', 60_000);
    const done = [];
    for (let i = 0; i < 4; i++) done.push(await checkpoint(a, id));
    expect(done.map((c) => c.status)).toEqual(['completed', 'completed', 'completed', 'failed']);
    expect(done[3]!.error).toMatch(/ENOSPC/);
    const before = (await list(a, id)).filter((c) => c.id <= 4);
    // Completed entries carry their size per operator once the completed event went out.
    await waitFor(async () => (await list(a, id)).filter((c) => c.status === 'completed' && c.operators?.length).length >= 3, 'operator sizes');
    const seen = (await list(a, id)).filter((c) => c.id <= 4).map(facts);
    expect(before.map((c) => c.id).sort()).toEqual([1, 2, 3, 4]);

    // kill -9 only once the history file holds all four: nothing is flushed on the way down.
    const file = join(dir, 'jobs', id, 'checkpoint-history.json');
    await waitFor(async () => {
      const doc = JSON.parse(await readFile(file, 'utf8').catch(() => '{"entries":[]}')) as { entries: CheckpointInfo[] };
      return doc.entries.filter((e) => e.operators !== undefined || e.status === 'failed').length >= 4;
    }, 'the history file');
    await a.kill9();

    const b = await start();
    await waitFor(async () => (await b.api(`/api/jobs/${id}`)).body.status === 'running', 'the job to resume', 60_000);
    const after = await list(b, id);
    const old = after.filter((c) => c.id <= 4);
    expect(old.map(facts).sort((x, y) => x.id - y.id)).toEqual(seen.sort((x, y) => x.id - y.id));
    // retain 1: only checkpoint 3 is still on disk; 1 and 2 are listed from the history alone.
    expect(old.map((c) => [c.id, c.retained]).sort()).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(old.find((c) => c.id === 1)!.bytes).toBeGreaterThan(0);
    expect(old.find((c) => c.id === 4)!.error).toMatch(/ENOSPC/);

    // The failed checkpoint 4 left no folder, yet the next one is not numbered 4 again.
    const next = await checkpoint(b, id);
    expect(next.status).toBe('completed');
    expect(next.id).toBe(5);
    expect((await list(b, id)).filter((c) => c.id === 4)).toHaveLength(1);
  });
});
