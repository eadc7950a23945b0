import { TEMPLATES, type JobSpecInput } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { runToEnd } from './helpers.js';

type Row = Record<string, any>;

/** A template made bounded: `count` generated records, as fast as possible, every record kept in the previews. */
async function run(id: string, count: number): Promise<(node: string) => Row[]> {
  const spec = structuredClone(TEMPLATES.find((t) => t.id === id)!.spec()) as JobSpecInput;
  for (const n of spec.nodes) {
    if (n.kind === 'source.datagen') Object.assign(n.params!, { count, ratePerSec: 10_000_000 });
    if (n.kind === 'sink.collect') n.params = { limit: 10_000 };
  }
  const { job, result } = await runToEnd(spec);
  expect(result.status).toBe('finished');
  return (node) => job.preview(node) as Row[];
}

describe('templates run end to end', () => {
  it('trending products: at most five products per window, best first', async () => {
    const out = await run('trending-products', 40_000);
    const rows = out('trending');
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      expect(r.top.length).toBeGreaterThan(0);
      expect(r.top.length).toBeLessThanOrEqual(5);
      const sales = r.top.map((t: Row) => t.sales);
      expect(sales).toEqual([...sales].sort((a, b) => b - a));
      for (const t of r.top) expect(t.window_end).toBe(r.key);
    }
  });

  it('fraud detection: every alert meets its rule', async () => {
    const out = await run('fraud-detection', 60_000);
    const bursts = out('burstAlerts');
    const outliers = out('priceAlerts');
    expect(bursts.length).toBeGreaterThan(0);
    expect(outliers.length).toBeGreaterThan(0);
    for (const b of bursts) expect(b.purchases).toBeGreaterThan(3);
    for (const o of outliers) expect(o.price).toBeGreaterThan(3 * o.avg_price);
  });

  it('user sessions: sessions with events and a duration', async () => {
    const out = await run('user-sessions', 20_000);
    const sessions = out('preview');
    expect(sessions.length).toBeGreaterThan(100);
    for (const s of sessions) {
      expect(s.events).toBeGreaterThan(0);
      expect(s.duration_ms).toBe(s.last_ts - s.first_ts);
      expect(s.window_end - s.window_start).toBeGreaterThanOrEqual(10_000);
    }
  });
});
