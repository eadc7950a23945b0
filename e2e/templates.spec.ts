import { E2E_TOKEN } from '../playwright.config';
import { expect, test } from '@playwright/test';

test('start from the trending-products template, run it, and see the top products arrive', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.getByTestId('templates-select').selectOption('trending-products');
  await expect(page.locator('.react-flow__node')).toHaveCount(7);
  await expect(page.getByTestId('validation-item')).toHaveCount(0);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);
  // One-minute windows sliding every 10 s, then the top 5 per window: the first rows come after
  // the watermark (5 s behind event time) passes the first window end.
  const table = page.getByTestId('preview-table');
  await expect.poll(() => table.locator('tbody tr').count(), { timeout: 45_000 }).toBeGreaterThan(0);
  await expect(table.locator('thead')).toContainText('top');
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/stopped/i);
});
