import { describe, expect, it } from 'vitest';
import { pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine, type CheckpointStats, type JobHandle, type RestartInfo } from '../index.js';

const CAP = 16_384;

/**
 * A window join whose left input is a source slow to answer (each poll waits 500 ms, as for an
 * external system: its barrier waits with it) and whose right input is a flood: in exactly-once
 * mode every right record after the right barrier is held back until the left barrier comes (T9).
 */
const SLOW_LEFT = { debugSlowNode: { nodeId: 'slow', msPerRecord: 0, pollDelayMs: 500 } };
function spec(extra: { tolerableFailures?: number; restart?: boolean } = {}) {
  return {
    ...pipeline(
      [
        { id: 'slow', kind: 'source.datagen', params: { seed: 1, ratePerSec: 2, watermark: { maxOutOfOrderness: '5s' } } },
        { id: 'ks', kind: 'keyBy', params: { key: 'user_id' } },
        { id: 'fast', kind: 'source.datagen', params: { seed: 2, ratePerSec: 20_000, watermark: { maxOutOfOrderness: '5s' } } },
        { id: 'kf', kind: 'keyBy', params: { key: 'user_id' } },
        { id: 'j', kind: 'join.window', params: { size: '1s' } },
        { id: 'out', kind: 'sink.collect' },
      ],
      {
        checkpoints: { intervalMs: 100, mode: 'exactly-once', retain: 2, maxAlignmentBytes: CAP, ...(extra.tolerableFailures !== undefined ? { tolerableFailures: extra.tolerableFailures } : {}) },
        ...(extra.restart ? { restart: { strategy: 'fixed-delay' as const, attempts: 1, delayMs: 0 } } : {}),
      },
    ),
    edges: [
      { from: 'slow', to: 'ks' },
      { from: 'fast', to: 'kf' },
      { from: 'ks', to: 'j', toPort: 'left' },
      { from: 'kf', to: 'j', toPort: 'right' },
      { from: 'j', to: 'out' },
    ],
  };
}

const failed = (job: JobHandle): CheckpointStats[] => job.checkpoints!().filter((c) => c.status === 'failed');

describe('alignment buffering cap (T9)', () => {
  it('aborts a checkpoint whose alignment would hold back more than the cap, and the job runs on', async () => {
    const job = await Engine.start(spec(), { execution: 'in-process', checkpointDir: await tempDir(), jobId: 'a', ...SLOW_LEFT });
    await until(() => failed(job).length >= 2, 30_000);
    expect(failed(job)[0]!.error).toMatch(new RegExp(`declined: alignment held back more than ${CAP} bytes`));
    expect(job.status).toBe('running');
    const before = job.metrics().operators.find((o) => o.nodeId === 'j')!.recordsIn;
    await until(() => job.metrics().operators.find((o) => o.nodeId === 'j')!.recordsIn > before + 1000, 30_000);
    await job.stop();
    expect((await job.done).status).toBe('stopped');
  }, 60_000);

  it('more consecutive failed checkpoints than tolerableFailures fail the run, and the restart strategy restarts it', async () => {
    const job = await Engine.start(spec({ tolerableFailures: 1, restart: true }), { execution: 'in-process', checkpointDir: await tempDir(), jobId: 't', ...SLOW_LEFT });
    const restarts: RestartInfo[] = [];
    job.onRestart!((r) => restarts.push(r));
    await until(() => restarts.length === 1, 30_000);
    expect(restarts[0]!.error).toMatchObject({ code: 'checkpoints_failing', message: expect.stringMatching(/2 consecutive checkpoints failed .*tolerableFailures is 1.*alignment held back/) });
    expect(failed(job).length).toBeGreaterThanOrEqual(2);
    await job.stop();
    expect((await job.done).status).toBe('stopped');
  }, 60_000);
});
