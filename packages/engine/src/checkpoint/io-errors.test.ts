import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeline, tempDir } from '../../test/helpers.js';
import { Engine } from '../index.js';

/** An unbounded keyed count: a long-running job to take checkpoints of. */
const spec = pipeline([
  { id: 'gen', kind: 'source.datagen', params: { seed: 3, ratePerSec: 5000, watermark: { maxOutOfOrderness: '5s' } } },
  { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
  { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
  { id: 'out', kind: 'sink.collect' },
]);

afterEach(() => {
  delete process.env.RIFFLE_FAULT;
});

describe('storage errors during a checkpoint (T12)', () => {
  // Two task files per checkpoint (gen → k, r → out): hit 3 is the first file of checkpoint 2.
  for (const [fault, what] of [
    ['chk.task.beforeFsync:3:EIO', 'a task file fsync fails with EIO'],
    ['chk.meta.beforeRename:2:ENOSPC', 'the _metadata write fails with ENOSPC'],
  ] as const) {
    it(`${what}: that checkpoint fails and is never listed, the job runs on, the next one completes`, async () => {
      process.env.RIFFLE_FAULT = fault;
      const dir = await tempDir();
      const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir, jobId: 'io' });
      expect((await job.triggerCheckpoint!()).snapshotId).toBe('chk-1');
      const code = fault.split(':')[2]!;
      await expect(job.triggerCheckpoint!()).rejects.toThrow(new RegExp(`checkpoint 2 failed: storage: ${code}`));
      expect(job.status).toBe('running');
      expect((await job.triggerCheckpoint!()).snapshotId).toBe('chk-3');
      await job.stop();
      expect(job.checkpoints!().map((c) => [c.id, c.status])).toEqual([
        [1, 'completed'],
        [2, 'failed'],
        [3, 'completed'],
      ]);
      expect(job.checkpoints!()[1]!.error).toMatch(code);
      // No false success: the failed checkpoint left nothing that looks complete (or at all).
      expect((await Engine.listSnapshots(dir, { verify: true })).map((s) => [s.snapshotId, s.valid])).toEqual([
        ['chk-3', true],
        ['chk-1', true],
      ]);
      expect((await readdir(join(dir, 'checkpoints'))).sort()).toEqual(['chk-1', 'chk-3']);
    });
  }
});
