import { describe, expect, it } from 'vitest';
import { metricsOf, pipeline, runToEnd } from '../../test/helpers.js';
import { clickEvent, ClickstreamGenerator } from '../datagen/clickstream.js';

const START = Date.UTC(2026, 0, 1);

function datagen(params: Record<string, unknown>, parallelism = 1) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 1e8, ...params } },
      { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
    ],
    { parallelism },
  );
}

describe('source.datagen', () => {
  it('record i is a pure function of (seed, i) with the documented shape', () => {
    expect(clickEvent(42, 12345, 1000, START)).toEqual(clickEvent(42, 12345, 1000, START));
    expect(clickEvent(42, 1, 1000, START)).not.toEqual(clickEvent(43, 1, 1000, START));
    const events = Array.from({ length: 20_000 }, (_, i) => clickEvent(7, i, 1000, START));
    const share = (t: string) => events.filter((e) => e.event_type === t).length / events.length;
    expect(share('view')).toBeCloseTo(0.7, 1);
    expect(share('click')).toBeCloseTo(0.25, 1);
    expect(share('purchase')).toBeCloseTo(0.05, 1);
    const bad = events.filter((e, i) => {
      const lag = START + i - e.ts; // 1000/s: nominal times one millisecond apart
      return (
        e.user_id < 1 || e.user_id > 1000 || !Number.isInteger(e.user_id) ||
        e.product_id < 1 || e.product_id > 100 ||
        Math.round(e.price * 100) / 100 !== e.price ||
        lag < 0 || lag >= 3000
      );
    });
    expect(bad).toEqual([]);
    // Skewed products: the lowest ids sell more than the highest.
    const low = events.filter((e) => e.product_id <= 10).length;
    const high = events.filter((e) => e.product_id > 90).length;
    expect(low).toBeGreaterThan(2 * high);
  });

  it('the per-seed generator the source runs emits exactly clickEvent(seed, i)', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 31 - 1]) {
      const gen = new ClickstreamGenerator(seed);
      for (const i of [0, 1, 2, 999, 123_456, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 3, 2 ** 52])
        expect(gen.event(i, 1000, START), `seed ${seed}, i ${i}`).toEqual(clickEvent(seed, i, 1000, START));
      for (let i = 0; i < 5000; i++) expect(gen.event(i, 1e8, START)).toEqual(clickEvent(seed, i, 1e8, START));
    }
  });

  it('emits the same bounded sequence on every run, and at any parallelism', async () => {
    const a = await runToEnd(datagen({ seed: 5, count: 3000 }));
    const b = await runToEnd(datagen({ seed: 5, count: 3000 }));
    const c = await runToEnd(datagen({ seed: 6, count: 3000 }));
    const p2 = await runToEnd(datagen({ seed: 5, count: 3000 }, 2));
    expect(a.result.status).toBe('finished');
    expect(metricsOf(a.job, 'gen').recordsOut).toBe(3000);
    const recs = a.job.preview('out');
    expect(recs).toHaveLength(3000);
    expect(recs).toEqual(b.job.preview('out'));
    expect(recs).not.toEqual(c.job.preview('out'));
    expect(recs[2999]).toEqual(clickEvent(5, 2999, 1e8, START));
    const byKey = (r: unknown) => JSON.stringify(r);
    expect(p2.job.preview('out').map(byKey).sort()).toEqual(recs.map(byKey).sort());
  });

  it('the sequence profile counts 0, 1, 2, … per key; a key stays on one subtask, in order, when keys is a multiple of the parallelism', async () => {
    const { job } = await runToEnd(datagen({ profile: 'sequence', keys: 4, count: 1000, ratePerSec: 1000, startTime: START }, 2));
    const recs = job.preview('out') as Array<{ key: number; seq: number; ts: number }>;
    expect(recs).toHaveLength(1000);
    expect(recs.find((r) => r.key === 3 && r.seq === 7)).toEqual({ key: 3, seq: 7, ts: START + 31 }); // record 7 * 4 + 3 = 31
    for (let key = 0; key < 4; key++) {
      // The collect sink takes the two subtasks' records as they come: each key's run is still in order.
      expect(recs.filter((r) => r.key === key).map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    }
  });

  it('limits the rate against the wall clock', async () => {
    const started = Date.now();
    const { job } = await runToEnd(datagen({ count: 300, ratePerSec: 1000 }));
    const took = Date.now() - started;
    expect(metricsOf(job, 'gen').recordsOut).toBe(300);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
  });
});
