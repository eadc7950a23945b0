import { E2E_TOKEN } from '../playwright.config';
import { expect, test, type Page } from '@playwright/test';

/** Opens the app as a user with the token would, on the demo pipeline. */
async function openApp(page: Page): Promise<void> {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
}

async function editFilter(page: Page, expr: string): Promise<void> {
  await page.locator('.react-flow__node[data-id="purchases"]').click();
  await page.getByTestId('inspector').getByTestId('param-expr').fill(expr);
}

test('saves versions on the server and answers a stale save with a conflict and a choice', async ({ page, browser }) => {
  const name = `shared-pipeline-${Date.now()}`;
  await openApp(page);
  await expect(page.getByTestId('saved-version')).toHaveText('not saved');
  await page.getByTestId('pipeline-name').fill(name);
  await page.getByTestId('save-button').click();
  await expect(page.getByTestId('saved-version')).toHaveText('v1');
  await expect(page.getByTestId('notice')).toContainText(`Saved ${name} as version 1`);

  // A second user (another browser context) opens it, edits and saves version 2.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await openApp(page2);
  await page2.getByTestId('open-button').click();
  await page2.getByTestId('open-dialog').getByTestId('open-item').filter({ hasText: name }).click();
  await expect(page2.getByTestId('open-dialog')).toHaveCount(0);
  await expect(page2.getByTestId('saved-version')).toHaveText('v1');
  await expect(page2.locator('.pipeline-name')).toHaveText(name);
  await editFilter(page2, "event_type == 'view'");
  await page2.keyboard.press('Control+s');
  await expect(page2.getByTestId('saved-version')).toHaveText('v2');

  // The first user, still on version 1, saves with Ctrl+S: refused, with a clear message.
  await editFilter(page, "event_type == 'cart'");
  await page.keyboard.press('Control+s');
  const dialog = page.getByTestId('save-conflict');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('save-conflict-message')).toContainText('Someone saved version 2');
  await expect(page.getByTestId('save-conflict-message')).toContainText('Load theirs');
  await expect(page.getByTestId('saved-version')).toHaveText('v1');

  // Load theirs: the canvas shows version 2 with the other user's filter.
  await page.getByTestId('conflict-load-theirs').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('saved-version')).toHaveText('v2');
  await page.locator('.react-flow__node[data-id="purchases"]').click();
  await expect(page.getByTestId('inspector').getByTestId('param-expr')).toHaveValue("event_type == 'view'");

  // Now the second user is behind: their save conflicts, and they choose to overwrite.
  await editFilter(page, "event_type == 'cart'");
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('saved-version')).toHaveText('v3');
  await editFilter(page2, "event_type == 'purchase'");
  await page2.getByTestId('save-button').click();
  await expect(page2.getByTestId('save-conflict')).toBeVisible();
  await page2.getByTestId('conflict-overwrite').click();
  await expect(page2.getByTestId('save-conflict')).toHaveCount(0);
  await expect(page2.getByTestId('saved-version')).toHaveText('v4');

  // The server holds the four versions, the latest with the overwriting filter.
  const auth = { Authorization: `Bearer ${E2E_TOKEN}` };
  const list = await (await page.request.get('/api/pipelines', { headers: auth })).json();
  const saved = list.pipelines.find((p: { name: string }) => p.name === name);
  expect(saved.version).toBe(4);
  const latest = await (await page.request.get(`/api/pipelines/${saved.id}`, { headers: auth })).json();
  expect(latest.spec.nodes.find((n: { id: string }) => n.id === 'purchases').params.expr).toBe("event_type == 'purchase'");

  // Restoring an older version: open version 2 from the list, save it as version 5.
  await page.getByTestId('open-button').click();
  const row = page.getByTestId('open-dialog').locator('li').filter({ hasText: name });
  await row.getByTestId('versions-toggle').click();
  await row.getByTestId('open-version-2').click();
  await expect(page.getByTestId('open-dialog')).toHaveCount(0);
  await expect(page.getByTestId('saved-version')).toHaveText('v4');
  await page.locator('.react-flow__node[data-id="purchases"]').click();
  await expect(page.getByTestId('inspector').getByTestId('param-expr')).toHaveValue("event_type == 'view'");
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('saved-version')).toHaveText('v5');
  await expect(page.getByTestId('save-conflict')).toHaveCount(0);
  const restored = await (await page.request.get(`/api/pipelines/${saved.id}`, { headers: auth })).json();
  expect(restored.version).toBe(5);
  expect(restored.spec.nodes.find((n: { id: string }) => n.id === 'purchases').params.expr).toBe("event_type == 'view'");
  await other.close();
});
