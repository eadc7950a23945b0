import { E2E_TOKEN } from '../playwright.config';
import { expect, test } from '@playwright/test';

test('selecting a non-sink node of a running job shows a live sample of its output', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  // A node selected while editing, before Run, is not a request for its preview.
  await page.locator('.react-flow__node[data-id="byProduct"]').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);
  try {
    await expect(page.locator('.preview .panel-title')).toContainText('preview');
    await expect(page.getByTestId('preview-node')).toHaveCount(0);
    const table = page.getByTestId('preview-table');
    // The filter node: its sample holds click events, and only purchases.
    await page.locator('.react-flow__node[data-id="purchases"]').click();
    await expect(page.getByTestId('preview-node')).toContainText('purchases');
    await expect(table.locator('tbody tr').first()).toBeVisible();
    await expect(table.locator('thead')).toContainText('product_id');
    const types = await table.locator('tbody tr').evaluateAll((rows) => {
      const header = [...document.querySelectorAll('[data-testid="preview-table"] thead th')].map((th) => th.textContent);
      const col = header.indexOf('event_type');
      return rows.map((r) => r.children[col]?.textContent);
    });
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['purchase']));

    // The source node shows every kind of event; the window sink's `sales` column is not there.
    await page.locator('.react-flow__node[data-id="clicks"]').click();
    await expect(page.getByTestId('preview-node')).toContainText('clicks');
    await expect
      .poll(async () => new Set(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent))).size, { timeout: 20_000 })
      .toBeGreaterThan(3);
    await expect(table.locator('thead')).not.toContainText('sales');

    // Back to nothing selected: the preview sink's records again.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await expect(page.getByTestId('preview-node')).toHaveCount(0);
  } finally {
    await page.getByTestId('stop-button').click();
    await expect(page.getByTestId('job-status')).toHaveText(/stopped/i);
  }
});
