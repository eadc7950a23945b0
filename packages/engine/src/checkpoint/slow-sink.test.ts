import { describe, expect, it } from 'vitest';
import { pipeline, tempDir, until } from '../../test/helpers.js';
import { Engine, type CheckpointStats, type JobHandle, type RestartInfo } from '../index.js';

const TIMEOUT_MS = 2000;
const TOLERABLE = 2;

/**
 * T9, slow-sink variant: a fast source (2 subtasks, 5000 records/s) into a sink that takes 50 ms
 * per record (`debugSlowNode`) on its own exchange, so back-pressure fills the channels and
 * every barrier queues behind records the sink needs seconds for.
 */
function spec() {
  const s = pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { seed: 4, ratePerSec: 5000, watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'out', kind: 'sink.collect', parallelism: 1 },
    ],
    {
      parallelism: 2,
      checkpoints: { intervalMs: 300, mode: 'exactly-once', retain: 2, timeoutMs: TIMEOUT_MS, tolerableFailures: TOLERABLE },
      // Attempts to spare: each restarted run also ends in failing checkpoints after a few seconds, and
      // on a loaded machine one run may not get 20 records to the sink before that.
      restart: { strategy: 'fixed-delay', attempts: 20, delayMs: 0 },
    },
  );
  return { ...s, edges: [{ from: 'gen', to: 'out', partitioning: 'rebalance' as const }] };
}

const finished = (job: JobHandle): CheckpointStats[] => job.checkpoints!().filter((c) => c.status !== 'in_progress');

describe('a slow sink against a fast source (T9)', () => {
  it('checkpoints are aborted with a reason, the job runs on until tolerableFailures is exceeded, then restarts and runs again', async () => {
    const job = await Engine.start(spec(), { execution: 'threads', slots: 2, checkpointDir: await tempDir(), jobId: 'slow', debugSlowNode: { nodeId: 'out', msPerRecord: 50 } });
    const restarts: RestartInfo[] = [];
    job.onRestart!((r) => restarts.push(r));
    try {
      // The first failure does not stop the job: it is still running, with no restart yet.
      await until(() => finished(job).length >= 1, 30_000);
      const first = finished(job)[0]!;
      expect(first.status).toBe('failed');
      expect(first.error).toMatch(new RegExp(`timed out after ${TIMEOUT_MS} ms`));
      expect(restarts).toEqual([]);
      expect(job.status).toMatch(/^(running|checkpointing)$/);

      await until(() => restarts.length >= 1, 60_000);
      // Every checkpoint of the first run ended one of the two ways, the failed ones with a reason.
      for (const c of finished(job)) if (c.status === 'failed') expect(c.error).toMatch(/timed out|declined|failed/);
      expect(restarts[0]!.error).toMatchObject({
        code: 'checkpoints_failing',
        message: expect.stringMatching(new RegExp(`${TOLERABLE + 1} consecutive checkpoints failed .*tolerableFailures is ${TOLERABLE}.*timed out`)),
      });
      // A restarted run processes records again (counters are per run). Any record will do: on a
      // loaded machine (CI runs other suites beside this one) a run's workers may take most of its
      // few seconds before the checkpoints fail it again to start, so a run may see only a few.
      const sink = () => job.metrics().operators.find((o) => o.nodeId === 'out')?.recordsIn ?? 0;
      await until(() => (job.status === 'running' || job.status === 'checkpointing') && sink() > 0, 90_000);
    } finally {
      await job.stop();
    }
    expect((await job.done).status).toBe('stopped');
  }, 180_000);
});
