import { E2E_TOKEN } from '../playwright.config';
import { expect, test, type Page } from '@playwright/test';
import { connect, dropOperator, select } from './support/canvas';

/** Total length of the throughput lines' SVG paths: grows as samples arrive. */
async function chartPathLength(page: Page): Promise<number> {
  return page
    .getByTestId('throughput-chart')
    .locator('.recharts-line path, path.recharts-curve')
    .evaluateAll((paths) => paths.reduce((n, p) => n + (p.getAttribute('d')?.length ?? 0), 0));
}

test('build a pipeline from the palette, fix its filter, run it and watch it live', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page).toHaveURL(/\/$/); // the app keeps the token and drops it from the address bar
  // First load shows the demo pipeline.
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  await page.getByTestId('new-button').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);

  // The canvas sits between the palette and the inspector (about 900 × 560 px here).
  const source = await dropOperator(page, 'source.datagen', 100, 120);
  const filter = await dropOperator(page, 'filter', 380, 120);
  const keyBy = await dropOperator(page, 'keyBy', 660, 120);
  const window = await dropOperator(page, 'window.tumbling', 380, 330);
  const sink = await dropOperator(page, 'sink.collect', 660, 330);

  await connect(page, source, filter);
  await connect(page, filter, keyBy);
  await connect(page, keyBy, window);
  await connect(page, window, sink);

  // An invalid expression is reported inline and blocks Run.
  let inspector = await select(page, filter);
  await inspector.getByTestId('param-expr').fill("event_type == 'purchase' &&");
  await expect(inspector.getByTestId('param-error-expr')).toBeVisible();
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await inspector.getByTestId('param-expr').fill('event_type == 42');
  await expect(inspector.getByTestId('param-error-expr')).toContainText('overload');
  await inspector.getByTestId('param-expr').fill("event_type == 'purchase'");
  await expect(inspector.getByTestId('param-error-expr')).toHaveCount(0);

  inspector = await select(page, keyBy);
  await inspector.getByTestId('param-key').fill('product_id');
  inspector = await select(page, window);
  await inspector.getByTestId('param-size').fill('2s');
  inspector = await select(page, source);
  await inspector.getByTestId('param-ratePerSec').fill('5000');

  await expect(page.getByTestId('validation-item')).toHaveCount(0);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);

  // The throughput chart grows as metrics stream in.
  await expect.poll(() => chartPathLength(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const first = await chartPathLength(page);
  await expect.poll(() => chartPathLength(page), { timeout: 20_000 }).toBeGreaterThan(first);

  // Windowed counts arrive in the preview table.
  const rows = page.getByTestId('preview-table').locator('tbody tr');
  await expect.poll(() => rows.count(), { timeout: 40_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('preview-table').locator('thead')).toContainText('window_start');

  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/stopped/i);
});
