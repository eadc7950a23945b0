import { expect, test, type APIRequestContext } from '@playwright/test';
import { E2E_TOKEN } from '../playwright.config';
import { countingSpec, submit } from './support/console';

const auth = { authorization: `Bearer ${E2E_TOKEN}` };

interface JobDetails {
  status: string;
  spec: { config: { parallelism: number } };
  metrics?: { operators: Array<{ nodeId: string; parallelism: number }> };
  previews: { preview: Array<{ key: string; n: number }> };
}

const details = async (request: APIRequestContext, id: string) => (await (await request.get(`/api/jobs/${id}`, { headers: auth })).json()) as JobDetails;

/** The highest count per key the collect sink holds. */
async function counts(request: APIRequestContext, id: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of (await details(request, id)).previews.preview) out.set(r.key, Math.max(out.get(r.key) ?? 0, r.n));
  return out;
}

/** The counts of a restarted run as soon as its sink holds any. */
async function firstCounts(request: APIRequestContext, id: string): Promise<Map<string, number>> {
  let seen = new Map<string, number>();
  await expect.poll(async () => (seen = await counts(request, id)).size, { timeout: 30_000, intervals: [100] }).toBeGreaterThan(0);
  return seen;
}

/**
 * Each count of the restored run is at least the one counted before the snapshot was taken: a run
 * that started from scratch would begin near zero (the bar is thousands of records, seconds of input).
 */
function expectContinued(first: Map<string, number>, floor: Map<string, number>): void {
  for (const [k, n] of first) expect(n, `count of ${k} right after the restore`).toBeGreaterThanOrEqual(floor.get(k) ?? 0);
}

test('restore a checkpoint at another parallelism from the job page: the job runs rescaled with its counts intact', async ({ page, request }) => {
  test.setTimeout(240_000);
  const id = await submit(request, E2E_TOKEN, countingSpec('e2e-rescale', 500));
  await page.goto(`/jobs/${id}?token=${E2E_TOKEN}`);
  await expect(page.getByTestId('job-status')).toHaveText(/running/);
  await expect(page.getByTestId('node-parallelism-counts')).toHaveText('×1');
  await expect.poll(async () => (await counts(request, id)).get('view') ?? 0, { timeout: 90_000 }).toBeGreaterThan(2000);

  const panel = page.getByTestId('checkpoints-panel');
  // The checkpoint holds at least what was counted before it was triggered.
  const floor = await counts(request, id);
  await panel.scrollIntoViewIfNeeded();
  await panel.getByTestId('checkpoint-now').click();
  const row = panel.locator('[data-testid="checkpoint-row"][data-status="completed"]').first();
  await expect(row).toBeVisible();
  const snapshotId = (await row.getAttribute('data-snapshot'))!;

  await row.getByTestId('checkpoint-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  // The job's parallelism now is offered; the user picks another.
  await expect(dialog.getByTestId('restore-parallelism')).toHaveValue('1');
  await dialog.getByTestId('restore-parallelism').fill('0');
  await expect(dialog.getByTestId('restore-parallelism-hint')).toHaveText("a whole number from 1 to 128 (the job's key groups)");
  await expect(dialog.getByTestId('restore-confirm')).toBeDisabled();
  await dialog.getByTestId('restore-parallelism').fill('2');
  await expect(dialog.getByTestId('restore-parallelism-hint')).toContainText('from 1 to 2 subtasks');
  await expect(dialog.getByTestId('restore-confirm')).toHaveText(`Restore ${snapshotId} at 2`);
  await dialog.getByTestId('restore-confirm').click();
  await expect(dialog).toHaveCount(0);
  await expect(panel.getByTestId('checkpoints-restarted')).toContainText(`restored from ${snapshotId}`);
  await expect(panel.getByTestId('checkpoints-error')).toHaveCount(0);
  // The restored run continues from the checkpoint's counts: none went back to zero.
  expectContinued(await firstCounts(request, id), floor);

  // The graph is redrawn from the rescaled spec, and the engine runs two subtasks of each operator.
  await expect(page.getByTestId('node-parallelism-counts')).toHaveText('×2');
  await expect(page.getByTestId('job-status')).toHaveText(/running/);
  expect((await details(request, id)).spec.config.parallelism).toBe(2);
  await expect.poll(async () => (await details(request, id)).metrics?.operators.find((o) => o.nodeId === 'counts')?.parallelism, { timeout: 30_000 }).toBe(2);
  await page.locator('.react-flow__node[data-id="counts"]').click();
  await expect(page.getByTestId('subtasks-table').locator('tbody tr')).toHaveCount(2, { timeout: 30_000 });
  // The node's detail samples what it emits, live: counts per event type.
  const sample = page.getByTestId('node-sample');
  await expect(sample.locator('thead')).toContainText('n', { timeout: 30_000 });
  await expect(sample.locator('tbody tr').first()).toContainText(/view|click|purchase/);

  await request.post(`/api/jobs/${id}/stop`, { headers: auth });
});

test('stop with a savepoint from the job page, then restore the stopped job from it', async ({ page, request }) => {
  test.setTimeout(240_000);
  const id = await submit(request, E2E_TOKEN, countingSpec('e2e-stop-savepoint', 500));
  await page.goto(`/jobs/${id}?token=${E2E_TOKEN}`);
  await expect(page.getByTestId('job-status')).toHaveText(/running/);
  await expect.poll(async () => (await counts(request, id)).get('view') ?? 0, { timeout: 90_000 }).toBeGreaterThan(2000);

  // The savepoint holds at least what was counted before the button was pressed.
  const floor = await counts(request, id);
  await page.getByTestId('job-page-stop-savepoint').click();
  const note = page.getByTestId('job-page-savepoint');
  await expect(note).toContainText(/stopped with savepoint sp-/);
  await expect(page.getByTestId('job-status')).toHaveText('stopped');
  const savepointId = /sp-[\w-]+/.exec((await note.textContent()) ?? '')![0];

  // The savepoint is listed, retained, and restorable although the job is stopped.
  const panel = page.getByTestId('checkpoints-panel');
  const row = panel.locator(`[data-testid="checkpoint-row"][data-snapshot="${savepointId}"]`);
  await expect(row).toHaveAttribute('data-status', 'completed');
  await expect(row).toContainText('savepoint');
  await expect(panel.getByTestId('checkpoint-now')).toBeDisabled();
  await row.getByTestId('checkpoint-restore').click();
  await page.getByTestId('restore-dialog').getByTestId('restore-confirm').click();
  await expect(panel.getByTestId('checkpoints-restarted')).toContainText(`restored from ${savepointId}`);
  await expect(page.getByTestId('job-status')).toHaveText(/running/);
  // It continues from the savepoint: every count goes on from where the job was stopped.
  expectContinued(await firstCounts(request, id), floor);

  await request.post(`/api/jobs/${id}/stop`, { headers: auth });
});
