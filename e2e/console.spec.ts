import { expect, test } from '@playwright/test';
import { E2E_TOKEN } from '../playwright.config';
import { deadLetteringSpec, expectChartGrows, linePoints, samples, submit } from './support/console';

// Journey (b): watch a running job's dashboards move, open a node's detail, see its dead letters.
test('the operations console shows a running job live, its node detail and its dead letters', async ({ page, request }) => {
  // Generous: on a shared, loaded machine every page action is slow.
  test.setTimeout(480_000);
  const id = await submit(request, E2E_TOKEN, deadLetteringSpec());
  // Let the server's ring buffer fill a little: the page opens "late".
  await expect.poll(async () => ((await (await request.get(`/api/jobs/${id}`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } })).json()) as { status: string }).status).toBe('running');
  await page.waitForTimeout(8000);

  // Jobs list: the job with its status, uptime and rates.
  await page.goto(`/jobs?token=${E2E_TOKEN}`);
  await expect(page).toHaveURL(/\/jobs$/);
  const row = page.getByTestId(`job-row-${id}`);
  await expect(row).toContainText('console-journey');
  await expect(page.getByTestId(`job-row-status-${id}`)).toHaveText(/running|checkpointing/);
  await expect(row).toContainText(/\d+s/);
  // Its last checkpoint: number, size, age.
  await expect(row).toContainText(/#\d+ · [\d.]+ (B|KB|MB) · \d+s ago/, { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/console-jobs.png' });

  await page.getByTestId(`job-open-${id}`).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  // The history arrives with the subscribe ack: the first samples the chart shows are already
  // many (live updates alone would start at one and add one a second).
  await expect.poll(() => samples(page, 'chart-records-out'), { timeout: 30_000, intervals: [50] }).toBeGreaterThan(0);
  expect(await samples(page, 'chart-records-out')).toBeGreaterThanOrEqual(6);

  // A deep link survives a reload (the server answers index.html; the token was kept). From here
  // on, count the page's WebSockets: graph, checkpoints panel and live sample share one.
  const sockets: string[] = [];
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) sockets.push(ws.url());
  });
  await page.reload();
  await expect(page.getByTestId('job-page-name')).toHaveText('console-journey');
  await expect(page.getByTestId('job-status')).toHaveText(/running|checkpointing/);
  await expect(page.getByTestId('link-state')).toHaveText('live');

  // The running graph, read-only, with live figures on nodes and edges.
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  await expect(page.getByTestId('node-rate-clicks')).toContainText(/\d+ rec\/s/);
  await expect(page.getByTestId('node-load-perWindow')).toContainText(/busy \d+%/);
  await expect(page.getByTestId('node-wm-lag-perWindow')).toContainText(/wm −/);
  await expect(page.getByTestId('node-state-perWindow')).toContainText(/keys/);
  await expect(page.locator('.react-flow__edge-text').first()).toContainText(/forward · [\d.k]+\/s/);

  // The dashboards move: the drawn lines gain points as samples arrive.
  expect(await linePoints(page, 'chart-records-out')).toBeGreaterThanOrEqual(6);
  await expectChartGrows(page, 'chart-records-out');
  await expectChartGrows(page, 'chart-state');
  await page.getByTestId('chart-watermark').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('chart-watermark').locator('path.recharts-line-curve')).not.toHaveCount(0);
  await expect(page.getByTestId('chart-consumer-lag')).toContainText('No log (Kafka) source');
  // Dead letters and skipped records are counted on their own series.
  await page.getByTestId('chart-late-dead').scrollIntoViewIfNeeded();
  const legend = page.getByTestId('chart-late-dead').locator('.recharts-legend-item-text');
  await expect(legend.filter({ hasText: 'purchases dead letters' })).toHaveCount(1);
  await expect(legend.filter({ hasText: 'byProduct skipped' })).toHaveCount(1);

  // Checkpoint duration and size, one point per completed checkpoint.
  await page.getByTestId('chart-checkpoint-size').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('chart-checkpoint-duration').locator('path.recharts-line-curve')).not.toHaveCount(0);
  await expect.poll(() => samples(page, 'chart-checkpoint-size'), { timeout: 30_000 }).toBeGreaterThan(1);

  // Errors and dead letters: records with the operator and the error.
  const dead = page.getByTestId('dead-letters-table');
  await expect(dead.locator('tbody tr').first()).toContainText('purchases');
  await expect(dead.locator('tbody tr').first()).toContainText(/division|divide|zero/i);

  // Node detail: subtasks of a parallelism-2 operator, and its own charts growing.
  await page.getByTestId('node-perWindow').click();
  const detail = page.getByTestId('node-detail');
  await expect(detail).toContainText('perWindow');
  await expect(detail.getByTestId('subtasks-table').locator('tbody tr')).toHaveCount(2);
  // The node's live sample arrived over the page's one connection.
  await expect(detail.getByTestId('node-sample')).toBeVisible({ timeout: 60_000 });
  expect(sockets).toHaveLength(1);
  await expectChartGrows(page, 'node-chart-throughput');
  await page.screenshot({ path: 'test-results/console-job.png' });

  // The detail of the filter narrows the dead letters to it.
  await page.getByTestId('node-purchases').click();
  await expect(page.getByTestId('node-detail')).toContainText('purchases');
  await expect.poll(async () => Number(await page.getByTestId('node-detail-dead').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('errors-panel')).toContainText('Dead letters of purchases');

  // The keyBy's onError: skip drops and counts the records whose key divides by zero.
  await expect(page.getByTestId('node-drops-byProduct')).toContainText(/\d+(\.\d)?[kM]? skipped/);
  await page.getByTestId('node-byProduct').click();
  await expect(page.getByTestId('node-detail')).toContainText('byProduct');
  await expect.poll(async () => Number(await page.getByTestId('node-detail-skipped').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('node-drops-purchases')).toContainText(/\d+(\.\d)?[kM]? dead/);
  expect(sockets).toHaveLength(1);

  // Back to the list: stop the job from there.
  await page.getByTestId('nav-jobs').click();
  await page.getByTestId(`job-stop-${id}`).click();
  await expect(page.getByTestId(`job-row-status-${id}`)).toHaveText('stopped', { timeout: 30_000 });
});
