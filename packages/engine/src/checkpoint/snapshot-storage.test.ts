import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptSnapshotError, SnapshotNotFoundError } from './errors.js';
import { METADATA_FILE, SnapshotStorage, type SkippedSnapshot } from './snapshot-storage.js';

const run = promisify(execFile);
let jobDir: string;
let storage: SnapshotStorage;

beforeEach(async () => {
  jobDir = await mkdtemp(join(tmpdir(), 'riffle-snap-'));
  storage = new SnapshotStorage(jobDir, 'job-1');
});
afterEach(() => rm(jobDir, { recursive: true, force: true }));

async function checkpoint(id: number, payload = `state of ${id}`) {
  const p = await storage.begin(id, 'checkpoint');
  await p.writeFile('task-count-0', new TextEncoder().encode(payload), { nodeId: 'count', subtask: 0 });
  await p.writeFile('task-count-1', new TextEncoder().encode(payload.toUpperCase()), { nodeId: 'count', subtask: 1 });
  return p.complete({ sources: { gen: id * 100 } });
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('SnapshotStorage', () => {
  it('writes task files, then metadata, and reads them back verified', async () => {
    const info = await checkpoint(1);
    expect(info.id).toBe('chk-1');
    expect((await readdir(info.dir)).sort()).toEqual([METADATA_FILE, 'task-count-0', 'task-count-1']);
    const loaded = await storage.load('chk-1');
    expect(text(loaded.files.get('task-count-0'))).toBe('state of 1');
    expect(loaded.metadata.extra).toEqual({ sources: { gen: 100 } });
    expect(loaded.metadata.files.map((f) => f.nodeId)).toEqual(['count', 'count']);
  });

  it('a snapshot whose metadata was never written does not exist', async () => {
    await checkpoint(1);
    const p = await storage.begin(2, 'checkpoint');
    await p.writeFile('task-count-0', new Uint8Array([1, 2, 3]));
    expect((await storage.listCheckpoints()).map((s) => s.id)).toEqual(['chk-1']);
    await expect(storage.load('chk-2')).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await p.abort();
    await expect(readdir(join(jobDir, 'checkpoints'))).resolves.toEqual(['chk-1']);
  });

  describe('corruption is detected, named, and recovery falls back (T10)', () => {
    beforeEach(async () => {
      await checkpoint(1);
      await checkpoint(2);
    });

    async function expectCorrupt(file: string, reason: RegExp) {
      const err = await storage.load('chk-2').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptSnapshotError);
      expect((err as CorruptSnapshotError).file).toBe(file);
      expect((err as CorruptSnapshotError).message).toMatch(reason);
      const skipped: SkippedSnapshot[] = [];
      const latest = await storage.loadLatestCheckpoint((s) => skipped.push(s));
      expect(latest?.id).toBe('chk-1');
      expect(text(latest?.files.get('task-count-0'))).toBe('state of 1');
      expect(skipped.map((s) => s.id)).toEqual(['chk-2']);
    }

    it('one flipped bit in a task file', async () => {
      const f = join(jobDir, 'checkpoints/chk-2/task-count-1');
      const bytes = await readFile(f);
      bytes[3]! ^= 0x10;
      await writeFile(f, bytes);
      await expectCorrupt('task-count-1', /checksum mismatch/);
    });

    it('a task file truncated by one byte', async () => {
      const f = join(jobDir, 'checkpoints/chk-2/task-count-0');
      await truncate(f, (await readFile(f)).byteLength - 1);
      await expectCorrupt('task-count-0', /size \d+ bytes, expected \d+/);
    });

    it('a missing task file', async () => {
      await rm(join(jobDir, 'checkpoints/chk-2/task-count-0'));
      await expectCorrupt('task-count-0', /missing/);
    });

    it('a corrupted _metadata', async () => {
      const f = join(jobDir, 'checkpoints/chk-2', METADATA_FILE);
      const meta = await readFile(f, 'utf8');
      await writeFile(f, meta.replace('"checkpointId":2', '"checkpointId":3'));
      await expectCorrupt(METADATA_FILE, /checksum mismatch/);
      expect((await storage.listCheckpoints()).map((s) => s.id)).toEqual(['chk-1']);
    });

    it('a deleted _metadata: the checkpoint does not exist', async () => {
      await rm(join(jobDir, 'checkpoints/chk-2', METADATA_FILE));
      await expect(storage.load('chk-2')).rejects.toBeInstanceOf(SnapshotNotFoundError);
      expect((await storage.loadLatestCheckpoint())?.id).toBe('chk-1');
    });

    it('a stray temporary file is swept and does not affect the snapshot', async () => {
      await writeFile(join(jobDir, 'checkpoints/chk-2/.task-count-0.123.tmp'), 'partial');
      expect(await storage.sweep()).toEqual(['chk-2/.task-count-0.123.tmp']);
      expect((await storage.load('chk-2')).id).toBe('chk-2');
    });
  });

  it('keeps exactly `retain` checkpoints and never deletes savepoints (T13)', async () => {
    for (let i = 1; i <= 20; i++) {
      await checkpoint(i);
      if (i === 5 || i === 12) {
        const sp = await storage.begin(i, 'savepoint');
        await sp.writeFile('task-count-0', new TextEncoder().encode(`savepoint ${i}`));
        await sp.complete();
      }
      await storage.retain(3);
    }
    expect((await storage.listCheckpoints()).map((s) => s.id)).toEqual(['chk-18', 'chk-19', 'chk-20']);
    expect(await readdir(join(jobDir, 'checkpoints'))).toHaveLength(3);
    const savepoints = await storage.listSavepoints();
    expect(savepoints.map((s) => s.metadata.checkpointId)).toEqual([5, 12]);
    expect(text((await storage.load(savepoints[0]!.id)).files.get('task-count-0'))).toBe('savepoint 5');
  });

  it('refuses ids that are not snapshot ids (no path traversal)', async () => {
    for (const id of ['../../etc', 'chk-1/../../x', '/abs', 'chk-', 'sp-1-zz', 'chk-1\0']) {
      expect(storage.dirOf(id)).toBeUndefined();
      await expect(storage.load(id)).rejects.toBeInstanceOf(SnapshotNotFoundError);
    }
  });

  describe('a crash at each step of the protocol leaves no half snapshot listed (T11)', () => {
    const child = join(dirname(import.meta.dirname), '..', 'test', 'fixtures', 'write-checkpoints.mjs');
    const cases = [
      { point: 'chk.task.beforeFsync', completed: ['chk-1'] },
      { point: 'chk.task.afterRename', completed: ['chk-1'] },
      { point: 'chk.meta.beforeRename', completed: ['chk-1'] },
      { point: 'chk.meta.afterRename', completed: ['chk-1', 'chk-2'] },
    ];
    for (const c of cases) {
      it(c.point, async () => {
        // Checkpoint 1 completes; the process aborts inside checkpoint 2 at the fault point.
        const n = c.point.startsWith('chk.task') ? 3 : 2;
        const r = await run(process.execPath, [child, jobDir], { env: { ...process.env, RIFFLE_FAULT: `${c.point}:${n}` } }).then(
          () => ({ crashed: false }),
          (e: { signal?: string; code?: number }) => ({ crashed: e.signal === 'SIGABRT' || e.code === 134 }),
        );
        expect(r.crashed).toBe(true);
        expect((await storage.listCheckpoints()).map((s) => s.id)).toEqual(c.completed);
        await storage.sweep();
        const left = await readdir(join(jobDir, 'checkpoints'));
        expect(left.sort()).toEqual(c.completed);
        for (const id of left) expect((await readdir(join(jobDir, 'checkpoints', id))).some((f) => f.endsWith('.tmp'))).toBe(false);
        expect((await storage.loadLatestCheckpoint())?.id).toBe(c.completed.at(-1));
      });
    }
  });
});
