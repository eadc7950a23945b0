import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import { metricsOf, pipeline, runToEnd } from '../../test/helpers.js';
import { NexmarkGenerator } from '../nexmark/generator.js';
import { NexmarkSource } from './source-nexmark.js';

const PARAMS = { eventsPerSec: 1_000_000, seed: 3, baseTime: Date.UTC(2026, 0, 1) };

function job(maxEvents: number, parallelism: number) {
  return pipeline(
    [
      { id: 'nx', kind: 'source.nexmark', params: { seed: 3, maxEvents } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism },
  );
}

describe('source.nexmark', () => {
  it('emits the generator\'s first maxEvents events, the same set at any parallelism', async () => {
    const p1 = await runToEnd(job(3000, 1));
    const p2 = await runToEnd(job(3000, 2));
    expect(p1.result.status).toBe('finished');
    expect(metricsOf(p1.job, 'nx').recordsOut).toBe(3000);
    const gen = new NexmarkGenerator(PARAMS);
    const expected = Array.from({ length: 3000 }, (_, i) => gen.event(i));
    expect(p1.job.preview('out')).toEqual(expected);
    const line = (r: unknown) => JSON.stringify(r);
    expect(p2.job.preview('out').map(line).sort()).toEqual(expected.map(line).sort());
  });

  it('resumes from a snapshot of its position without repeating or skipping events', () => {
    const params = { ...PARAMS, maxEvents: 100, timestamp: 'dateTime', watermark: { strategy: 'bounded' as const, maxOutOfOrderness: '4s', intervalMs: 200 } };
    const a = harness((ctx) => new NexmarkSource(params, ctx), { subtaskIndex: 1, parallelism: 2 });
    a.op.pollNext(10);
    const snap = a.op.snapshotState();
    const b = harness((ctx) => new NexmarkSource(params, ctx), { subtaskIndex: 1, parallelism: 2 });
    b.op.restoreState(structuredClone(snap));
    while (b.op.pollNext(7) > 0);
    const gen = new NexmarkGenerator(PARAMS);
    const odd = Array.from({ length: 50 }, (_, k) => gen.event(2 * k + 1));
    expect([...a.values(), ...b.values()]).toEqual(odd);
  });

  it('restored at another parallelism, emits every event exactly once overall', () => {
    const params = { ...PARAMS, maxEvents: 60, timestamp: 'dateTime', watermark: { strategy: 'bounded' as const, maxOutOfOrderness: '4s', intervalMs: 200 } };
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r));
    // Two old subtasks stopped at different points.
    const old = [0, 1].map((k) => harness((ctx) => new NexmarkSource(params, ctx), { subtaskIndex: k, parallelism: 2 }));
    old[0]!.op.pollNext(9);
    old[1]!.op.pollNext(3);
    const snaps = old.map((h) => structuredClone(h.op.snapshotState()));
    const after = [0, 1, 2].map((k) => {
      const h = harness((ctx) => new NexmarkSource(params, ctx), { subtaskIndex: k, parallelism: 3 });
      h.op.restoreRescaled(snaps, 2);
      while (h.op.pollNext(5) > 0);
      return h;
    });
    const emitted = [...old, ...after].flatMap((h) => ids(h.values()));
    const gen = new NexmarkGenerator(PARAMS);
    expect(emitted.sort()).toEqual(ids(Array.from({ length: 60 }, (_, i) => gen.event(i) as unknown as Record<string, unknown>)).sort());
  });

  it('limits the wall-clock rate only when ratePerSec is set', () => {
    const params = { ...PARAMS, ratePerSec: 5000, timestamp: 'dateTime', watermark: { strategy: 'bounded' as const, maxOutOfOrderness: '0s', intervalMs: 200 } };
    expect(harness((ctx) => new NexmarkSource(params, ctx), { parallelism: 2 }).op.ratePerSec).toBe(2500);
    const { ratePerSec: _, ...unlimited } = params;
    expect(harness((ctx) => new NexmarkSource(unlimited, ctx)).op.ratePerSec).toBeUndefined();
  });
});
