import { demoSpec, type JobSpecInput } from '@riffle/shared';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

/**
 * The demo pipeline at parallelism 2 (worker threads, so subtasks report), with a filter that
 * divides by `user_id % 7`: about one record in seven throws and is dead-lettered; a key that
 * divides by zero for one product in 13, skipped (`onError: skip`) and counted; a checkpoint every 2 s.
 */
export function deadLetteringSpec(name = 'console-journey'): JobSpecInput {
  const spec = demoSpec();
  const changed: Record<string, object> = {
    purchases: { expr: "event_type == 'purchase' && 100 / (user_id % 7) > 1" },
    byProduct: { key: 'product_id / (product_id % 13 == 0 ? 0 : 1)', onError: 'skip' },
  };
  const nodes = spec.nodes.map((n) => (changed[n.id] ? { ...n, params: changed[n.id] } : n));
  return { ...spec, name, config: { ...spec.config, parallelism: 2, checkpoints: { intervalMs: 2000, mode: 'exactly-once', retain: 3 } }, nodes };
}

export async function submit(request: APIRequestContext, token: string, spec: JobSpecInput, baseURL?: string): Promise<string> {
  const res = await request.post(`${baseURL ?? ''}/api/jobs`, { data: spec, headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The SVG path of the first line of a dashboard card (scrolled into view: charts draw only while on screen). */
export async function linePath(page: Page, testId: string): Promise<string> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  return (await page.getByTestId(testId).locator('path.recharts-line-curve').first().getAttribute('d')) ?? '';
}

/** Points drawn by that line: one per `L` segment, plus the start. */
export async function linePoints(page: Page, testId: string): Promise<number> {
  const d = await linePath(page, testId);
  return d ? (d.match(/L/g)?.length ?? 0) + 1 : 0;
}

/**
 * Waits until a chart holds more samples than now and its drawn line changed. (Long histories
 * are thinned for drawing, so the drawn point count alone need not grow.)
 */
export async function expectChartGrows(page: Page, testId: string, timeout = 30_000): Promise<void> {
  const n = await samples(page, testId);
  const d = await linePath(page, testId);
  expect(d.length, `${testId} draws a line`).toBeGreaterThan(0);
  await expect.poll(() => samples(page, testId), { timeout }).toBeGreaterThan(n + 1);
  await expect.poll(() => linePath(page, testId), { timeout }).not.toBe(d);
}

/** Samples a dashboard card says it holds (`data-points`). */
export async function samples(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}

/** A running count per event type (view / click / purchase), checkpointed on demand only. */
export function countingSpec(name: string, ratePerSec: number) {
  return {
    specVersion: 1,
    name,
    config: { parallelism: 1, checkpoints: { intervalMs: 3_600_000, mode: 'exactly-once' as const, retain: 3 } },
    nodes: [
      { id: 'clicks', kind: 'source.datagen', params: { ratePerSec } },
      { id: 'byType', kind: 'keyBy', params: { key: 'event_type' } },
      { id: 'counts', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'preview', kind: 'sink.collect', params: { limit: 50 } },
    ],
    edges: [
      { from: 'clicks', to: 'byType' },
      { from: 'byType', to: 'counts' },
      { from: 'counts', to: 'preview' },
    ],
  };
}
