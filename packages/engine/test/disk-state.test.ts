import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { clickEvent } from '../src/datagen/clickstream.js';
import { Engine, type JobHandle } from '../src/index.js';
import { metricsOf, pipeline, tempDir, until } from './helpers.js';

// Whole jobs, some on worker threads and restored from checkpoints: generous on a shared machine.
vi.setConfig({ testTimeout: 60_000 });

const EVENTS = 60_000;
const RATE = 10_000;
type Backend = 'heap' | 'disk';
type Execution = 'in-process' | 'threads';

/** datagen → keyBy user → one window over the whole run: the number of clicks per user, emitted at the end. */
function clicksPerUser(parallelism: number, stateBackend: Backend, checkpoints = true) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 3, ratePerSec: RATE, count: EVENTS, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1000d', aggregate: [{ fn: 'count', as: 'clicks' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism, stateBackend, ...(checkpoints ? { checkpoints: { intervalMs: 100, retain: 3 } } : {}) },
  );
}

function expectedClicks(): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < EVENTS; i++) {
    const u = clickEvent(3, i, RATE, 0).user_id;
    m.set(u, (m.get(u) ?? 0) + 1);
  }
  return m;
}

function clicksOf(job: JobHandle): Map<number, number> {
  return new Map((job.preview('out') as Array<{ key: number; clicks: number }>).map((r) => [r.key, r.clicks]));
}

/** Files this process holds open under `dir` (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return []; // closed while listing
    }
  });
}

const completed = (job: JobHandle) => job.checkpoints!().filter((c) => c.status === 'completed');

describe('disk state backend in a job', () => {
  it.each<Execution>(['in-process', 'threads'])('keeps LevelDB under <job folder>/state while running; stop() closes its files and deletes it (%s)', async (execution) => {
    const dir = await tempDir();
    const state = join(dir, 'state');
    const job = await Engine.start(clicksPerUser(2, 'disk'), { execution, slots: 2, checkpointDir: dir, jobId: 'j', stateCacheKeys: 64 });
    await until(() => existsSync(join(state, 'w-0', 'CURRENT')) && existsSync(join(state, 'w-1', 'CURRENT')), 10_000);
    await until(() => (metricsOf(job, 'w').stateKeys ?? 0) > 64, 10_000); // more keys than one subtask caches
    await job.stop();
    expect((await job.done).status).toBe('stopped');
    expect(existsSync(state)).toBe(false);
    expect(openFilesUnder(dir)).toEqual([]);
  });

  it('a job without a folder keeps its state in a temp folder, deleted when it finishes', async () => {
    const parent = await tempDir();
    const job = await Engine.start(clicksPerUser(1, 'disk', false), { stateDir: parent, stateCacheKeys: 16 });
    await until(() => readdirSync(parent).some((f) => f.startsWith('riffle-state-')), 10_000);
    expect((await job.done).status).toBe('finished');
    expect(clicksOf(job)).toEqual(expectedClicks());
    expect(readdirSync(parent)).toEqual([]);
    expect(openFilesUnder(parent)).toEqual([]);
  });

  it.each<[Backend, number, Execution, Backend, number, Execution]>([
    ['disk', 1, 'in-process', 'heap', 2, 'threads'],
    ['heap', 2, 'threads', 'disk', 1, 'in-process'],
    ['disk', 2, 'threads', 'disk', 1, 'in-process'],
  ])('a checkpoint of the %s backend at p=%i (%s) restores onto the %s backend at p=%i (%s): counts equal the offline ones', async (b1, p1, e1, b2, p2, e2) => {
    const dir = await tempDir();
    const first = await Engine.start(clicksPerUser(p1, b1), { execution: e1, slots: 2, checkpointDir: dir, jobId: 'j', stateCacheKeys: 32 });
    await until(() => completed(first).length >= 1, 30_000);
    await first.stop();
    expect((await first.done).status).toBe('stopped');
    expect(first.preview('out')).toEqual([]); // stopped before the window fired
    const chk = completed(first).at(-1)!.snapshotId!;
    const second = await Engine.start(clicksPerUser(p2, b2), { execution: e2, slots: 2, checkpointDir: dir, jobId: 'j', restoreFrom: chk, stateCacheKeys: 32 });
    expect((await second.done).status).toBe('finished');
    expect(metricsOf(second, 'gen').recordsOut).toBeLessThan(EVENTS); // resumed, not replayed
    expect(clicksOf(second)).toEqual(expectedClicks());
  });
});
