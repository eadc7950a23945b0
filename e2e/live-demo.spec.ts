import { demoSpec } from '@riffle/shared';
import { E2E_TOKEN } from '../playwright.config';
import { expect, test } from '@playwright/test';

test('opening the app while a job runs shows that job live, with windowed counts arriving', async ({ page, request }) => {
  const auth = { authorization: `Bearer ${E2E_TOKEN}` };
  expect((await request.post('/api/jobs', { data: demoSpec() })).status()).toBe(401);
  // Parallelism 2: the job runs on worker threads, and the canvas shows their load.
  const spec = { ...demoSpec(), config: { ...demoSpec().config, parallelism: 2 } };
  const res = await request.post('/api/jobs', { data: spec, headers: auth });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };

  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page).toHaveURL(/\/$/); // the app keeps the token and drops it from the address bar
  await expect(page.getByTestId('job-status')).toHaveText(/running/i);
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  await expect(page.getByTestId('node-rate-clicks')).toContainText(/\d/);
  // Each node shows its parallelism and each edge the distribution the planner uses.
  await expect(page.getByTestId('node-parallelism-perWindow')).toHaveText('×2');
  await expect(page.getByTestId('node-load-perWindow')).toContainText(/busy \d+% · bp \d+%/);
  await expect(page.getByTestId('node-state-perWindow')).toContainText(/keys/);
  await expect(page.locator('.react-flow__edge-text')).toHaveText(['forward', 'forward', 'hash', 'forward']);

  // 10-second windows with a 5-second bound: the first results arrive within about 15 s.
  const rows = page.getByTestId('preview-table').locator('tbody tr');
  await expect.poll(() => rows.count(), { timeout: 40_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('preview-table').locator('thead')).toContainText('sales');
  await page.screenshot({ path: 'test-results/live-demo.png' });

  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/stopped/i);
  const after = await request.get(`/api/jobs/${id}`, { headers: auth });
  expect(((await after.json()) as { status: string }).status).toBe('stopped');
});
