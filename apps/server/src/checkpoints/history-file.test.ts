import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import { CheckpointHistoryFile, HISTORY_FILE, HISTORY_KEPT } from './history-file.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const entry = (id: number, status: CheckpointInfo['status'] = 'completed'): CheckpointInfo => ({
  jobId: 'j',
  id,
  kind: 'checkpoint',
  status,
  startedAt: 1_000 + id,
  durationMs: 10,
  bytes: 100 * id,
  alignmentMs: id % 7,
  retained: true,
  ...(status === 'failed' ? { error: `checkpoint ${id} failed: storage: ENOSPC` } : {}),
});

describe('CheckpointHistoryFile', () => {
  it(`keeps the newest ${HISTORY_KEPT} finished entries on disk, in order, and reads them back`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-history-'));
    const h = new CheckpointHistoryFile(dir);
    for (let id = 1; id <= HISTORY_KEPT + 30; id++) h.record(entry(id, id % 10 === 0 ? 'failed' : 'completed'));
    h.record(entry(HISTORY_KEPT + 31, 'in_progress'));
    await h.flush();
    const again = await new CheckpointHistoryFile(dir).load();
    expect(again.map((e) => e.id)).toEqual(Array.from({ length: HISTORY_KEPT }, (_, i) => i + 31));
    expect(again.find((e) => e.id === 40)).toEqual(entry(40, 'failed'));
    // Only the file itself: every write went through a temp file that was renamed.
    expect(await readdir(dir)).toEqual([HISTORY_FILE]);
  });

  it('a later record of the same id replaces the earlier one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-history-'));
    const h = new CheckpointHistoryFile(dir);
    h.record(entry(1, 'failed'));
    h.record(entry(1));
    await h.flush();
    expect(await new CheckpointHistoryFile(dir).load()).toEqual([entry(1)]);
  });

  it('an unreadable file is an empty history, reported, and the next record rewrites it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-history-'));
    await writeFile(join(dir, HISTORY_FILE), '{"version":1,"entries":[{"id":1,');
    const errors: unknown[] = [];
    const h = new CheckpointHistoryFile(dir, (e) => errors.push(e));
    expect(await h.load()).toEqual([]);
    expect(errors).toHaveLength(1);
    h.record(entry(2));
    await h.flush();
    expect(JSON.parse(await readFile(join(dir, HISTORY_FILE), 'utf8')).entries).toEqual([entry(2)]);
  });

  it('a failed write is reported and does not throw (history must not stop a job)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-history-'));
    const errors: unknown[] = [];
    const h = new CheckpointHistoryFile(join(dir, 'gone'), (e) => errors.push(e));
    h.record(entry(1));
    await h.flush();
    expect(String(errors[0])).toMatch(/ENOENT/);
  });
});
