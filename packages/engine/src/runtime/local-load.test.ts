import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';
import { metricsOf, pipeline, until } from '../../test/helpers.js';

// The in-process runtime (parallelism 1, one thread) reports busy / back-pressured / idle ratios
// like the threaded one. Ratios are sampled once a second, so each test waits for a sample.

describe('in-process load ratios', () => {
  it('a task whose consumer does the heavy work is back-pressured; the consumer is busy', { timeout: 90_000 }, async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 100_000_000 } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      // RE2 over a ~200-character string per record: far more work than generating the record.
      { id: 'slow', kind: 'map', params: { fields: [{ as: 'm', expr: `(${Array(40).fill('event_type').join(' + ')}).matches('^(view|click|purchase)+x$')` }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 1 } },
    ]);
    const job = await Engine.start(spec);
    try {
      // Ratios come from one-second samples; on a loaded machine a sample can be skewed by the
      // thread being descheduled, so wait for one that shows the load where it is.
      const shows = () => {
        const g = metricsOf(job, 'gen');
        const w = metricsOf(job, 'slow');
        return w.busyRatio !== undefined && g.backPressuredRatio! > g.busyRatio! && w.busyRatio > g.busyRatio!;
      };
      await until(shows, 60_000);
      const gen = metricsOf(job, 'gen');
      const slow = metricsOf(job, 'slow');
      expect(slow.backPressuredRatio).toBe(0); // it feeds nothing across an exchange
      for (const op of [gen, slow]) {
        expect(op.busyRatio! + op.backPressuredRatio! + op.idleRatio!).toBeCloseTo(1, 2);
        expect(op.subtasks).toHaveLength(1);
        expect(op.subtasks![0]).toMatchObject({ subtask: 0, busyRatio: op.busyRatio, backPressuredRatio: op.backPressuredRatio, idleRatio: op.idleRatio });
      }
      // Chained nodes report their task's ratios.
      expect(metricsOf(job, 'k').busyRatio).toBe(gen.busyRatio);
    } finally {
      await job.stop();
    }
  });

  it('a rate-limited pipeline is mostly idle', { timeout: 60_000 }, async () => {
    const spec = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 2000 } },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'out', kind: 'sink.collect', params: { limit: 1 } },
    ]);
    const job = await Engine.start(spec);
    try {
      await until(() => metricsOf(job, 'gen').idleRatio !== undefined, 30_000);
      expect(metricsOf(job, 'gen').idleRatio!).toBeGreaterThan(0.5);
      expect(metricsOf(job, 'out').idleRatio!).toBeGreaterThan(0.5);
    } finally {
      await job.stop();
    }
  });
});
