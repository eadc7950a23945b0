import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { E2E_DATA_DIR, E2E_TOKEN } from '../playwright.config';
import { expect, test, type Page } from '@playwright/test';
import { countingSpec } from './support/console';

const auth = { authorization: `Bearer ${E2E_TOKEN}` };

const spec = countingSpec('e2e-checkpoints', 200);

/** Key → count as the preview table shows them (newest row first). */
async function previewCounts(page: Page): Promise<Array<[string, number]>> {
  const table = page.getByTestId('preview-table');
  const headers = await table.locator('thead th').allInnerTexts();
  const k = headers.indexOf('key');
  const n = headers.indexOf('n');
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return rows.map((cells) => [cells[k]!, Number(cells[n])]);
}

test('trigger a checkpoint, see it complete, restore it and see the job resume with its counts intact', async ({ page, request }) => {
  const created = await request.post('/api/jobs', { data: spec, headers: auth });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  // The builder attaches to the running job on load.
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);
  // Let the counts grow well past what a restart from scratch would reach in a few seconds.
  await expect.poll(async () => Math.max(0, ...(await previewCounts(page)).filter(([k]) => k === 'view').map(([, n]) => n)), { timeout: 30_000 }).toBeGreaterThan(500);

  // The state the checkpoint will hold is at least what the job has counted before it is taken.
  const before = new Map<string, number>();
  const details = (await (await request.get(`/api/jobs/${id}`, { headers: auth })).json()) as { previews: { preview: Array<{ key: string; n: number }> } };
  for (const r of details.previews.preview) before.set(r.key, Math.max(before.get(r.key) ?? 0, r.n));

  await page.getByTestId('tab-checkpoints').click();
  const panel = page.getByTestId('checkpoints-panel');
  await expect(panel.getByTestId('checkpoint-now')).toBeEnabled();
  await panel.getByTestId('checkpoint-now').click();
  const row = panel.locator('[data-testid="checkpoint-row"][data-status="completed"]').first();
  await expect(row).toBeVisible();
  const snapshotId = await row.getAttribute('data-snapshot');
  expect(snapshotId).toMatch(/^chk-\d+$/);
  await expect(row).toContainText('yes'); // retained
  // Its duration and size are plotted: one point per series.
  await expect(panel.getByTestId('checkpoints-chart').locator('.recharts-line-dots circle')).toHaveCount(2);

  await row.getByTestId('checkpoint-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog).toContainText(snapshotId!);
  await dialog.getByTestId('restore-confirm').click();
  await expect(dialog).toHaveCount(0);
  await expect(panel.getByTestId('checkpoints-restarted')).toContainText(`restored from ${snapshotId}`);
  await expect(panel.getByTestId('checkpoints-error')).toHaveCount(0);
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);

  // Back on the overview: the restarted run's counts continue from the checkpoint, they did not go back to zero.
  await page.getByTestId('tab-overview').click();
  await expect.poll(async () => (await previewCounts(page)).length, { timeout: 20_000 }).toBeGreaterThan(0);
  const after = await previewCounts(page);
  for (const [key, n] of after) expect(n, `count of ${key} after the restore`).toBeGreaterThan(before.get(key) ?? 0);

  await request.post(`/api/jobs/${id}/stop`, { headers: auth });
});

test('take a savepoint, and see a clear error when restoring a checkpoint whose file was damaged', async ({ page, request }) => {
  const created = await request.post('/api/jobs', { data: { ...spec, name: 'e2e-savepoint' }, headers: auth });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);
  await page.getByTestId('tab-checkpoints').click();
  const panel = page.getByTestId('checkpoints-panel');

  await panel.getByTestId('savepoint-now').click();
  const savepoint = panel.locator('[data-testid="checkpoint-row"][data-status="completed"]', { hasText: 'savepoint' });
  await expect(savepoint).toBeVisible();
  expect(await savepoint.getAttribute('data-snapshot')).toMatch(/^sp-/);

  await expect(panel.getByTestId('checkpoint-now')).toBeEnabled();
  await panel.getByTestId('checkpoint-now').click();
  const row = panel.locator('[data-testid="checkpoint-row"][data-status="completed"][data-snapshot^="chk-"]').first();
  await expect(row).toBeVisible();
  const snapshotId = (await row.getAttribute('data-snapshot'))!;
  // Flip one bit of a state file on disk.
  const folder = join(E2E_DATA_DIR, 'jobs', id, 'checkpoints', snapshotId);
  const task = (await readdir(folder)).find((f) => f.startsWith('task-'))!;
  const bytes = await readFile(join(folder, task));
  bytes[0]! ^= 1;
  await writeFile(join(folder, task), bytes);

  await row.getByTestId('checkpoint-restore').click();
  await page.getByTestId('restore-dialog').getByTestId('restore-confirm').click();
  const error = panel.getByTestId('checkpoints-error');
  await expect(error).toContainText(`snapshot ${snapshotId} cannot be restored`);
  await expect(error).toContainText(task);
  // The job was left alone.
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);

  await request.post(`/api/jobs/${id}/stop`, { headers: auth });
});
