// Journey on the `flink` target (#10): build a pipeline on the canvas, run it on a real Flink 2.2
// session cluster, see its records in the preview panel, watch its dashboard move, take a
// savepoint, stop, restore from it, stop.
// The config's web server has no Flink cluster, so this file starts its own cluster, a Kafka
// broker for previews (FLINK_PREVIEW_BROKERS) and a second Riffle server pointed at both, and
// drives that one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startFlink, type FlinkCluster } from '../scripts/flink/cluster.mjs';
import { startKafka, type KafkaBroker } from '../scripts/kafka/broker.mjs';
import { connect, dropOperator, select } from './support/canvas';
import { expectChartGrows } from './support/console';

const TOKEN = 'e2e-flink-token-0123456789abcdef';
let flink: FlinkCluster | undefined;
let broker: KafkaBroker | undefined;
let server: ChildProcess | undefined;
let serverLog = '';
let dataDir: string | undefined;
let base = '';

/** A port nothing listens on now (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  // Metrics reach Flink's REST API through a store refreshed this often (default 10 s): the
  // dashboard should move every second, as it does for an embedded job.
  [flink, broker] = await Promise.all([startFlink({ quiet: true, config: { 'metrics.fetcher.update-interval': 1000 } }), startKafka({ quiet: true })]);
  dataDir = await mkdtemp(join(tmpdir(), 'riffle-e2e-flink-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['apps/server/bin/riffle-server.js', '--port', String(port), '--data-dir', join(dataDir, 'data'), '--base-dir', dataDir], {
    env: { ...process.env, RIFFLE_TOKEN: TOKEN, FLINK_REST_URL: flink.restUrl, FLINK_SQL_GATEWAY_URL: flink.sqlGatewayUrl, FLINK_PREVIEW_BROKERS: broker.brokers.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (b: Buffer) => (serverLog += b.toString()));
  server.stderr?.on('data', (b: Buffer) => (serverLog += b.toString()));
  await expect
    .poll(
      async () => {
        if (server?.exitCode !== null) throw new Error(`riffle-server exited (${server?.exitCode}):\n${serverLog}`);
        return (await fetch(`${base}/api/health`).catch(() => undefined))?.status;
      },
      { timeout: 60_000, message: 'the Riffle server with the Flink cluster to answer' },
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await Promise.all([flink?.stop(), broker?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Flink's own view of a job. */
async function flinkState(jid: string): Promise<string> {
  return ((await (await fetch(`${flink!.restUrl}/jobs/${jid}`)).json()) as { state: string }).state;
}

/** The Flink job id the job page names (`on Flink · 1a2b3c4d`, the whole id in its title). */
async function flinkJobId(page: Page): Promise<string> {
  const target = page.getByTestId('job-page-target');
  await expect(target).toHaveAttribute('title', /^Flink job [0-9a-f]{32}$/, { timeout: 60_000 });
  return (await target.getAttribute('title'))!.slice('Flink job '.length);
}

/** The records-per-second figure the source node shows on the job graph. */
async function sourceRate(page: Page, nodeId: string): Promise<number> {
  const text = (await page.getByTestId(`node-rate-${nodeId}`).textContent()) ?? '';
  const m = /([\d.]+)(k?) rec\/s/.exec(text);
  return m ? Number(m[1]) * (m[2] ? 1000 : 1) : 0;
}

test('build a pipeline, run it on Flink, see its preview, watch its dashboard, savepoint, stop, restore from the savepoint, stop', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto(`${base}/?token=${TOKEN}`);
  await page.getByTestId('new-button').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);

  // Generator → keep the even user ids → NDJSON files and a Preview (all compile to Flink SQL).
  const source = await dropOperator(page, 'source.datagen', 120, 160);
  const filter = await dropOperator(page, 'filter', 400, 160);
  const sink = await dropOperator(page, 'sink.file', 680, 160);
  const preview = await dropOperator(page, 'sink.collect', 680, 320);
  await connect(page, source, filter);
  await connect(page, filter, sink);
  await connect(page, filter, preview);
  let inspector = await select(page, filter);
  await inspector.getByTestId('param-expr').fill('user_id % 2 == 0');
  inspector = await select(page, source);
  // Unbounded and slow enough to run for as long as the journey takes.
  await inspector.getByTestId('param-ratePerSec').fill('50');
  inspector = await select(page, sink);
  await inspector.getByTestId('param-path').fill('out/evens');
  await expect(page.getByTestId('validation-item')).toHaveCount(0);

  // The server has a cluster, so the run control offers Flink.
  const target = page.getByTestId('run-target');
  await expect(target).toBeVisible();
  await target.selectOption('flink');
  await expect(page.getByTestId('run-button')).toHaveAttribute('title', /Flink cluster/);
  // The server reads Flink previews: the panel promises records instead of explaining their absence.
  await expect(page.getByTestId('preview-empty')).toHaveText('Records reaching the preview sink appear here while the job runs.');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('job-status')).toHaveText(/running/i, { timeout: 120_000 });
  // The header's fullest state (a job attached, the target choice shown) on a laptop-wide window:
  // the target, Run, Stop and the status stay in view, the target readable (they once overflowed
  // the header at 1366 px, the choice squeezed to its arrow).
  await page.setViewportSize({ width: 1366, height: 900 });
  for (const id of ['run-target', 'run-button', 'stop-button', 'job-status']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(1366);
  }
  expect(await target.evaluate((e) => e.getBoundingClientRect().width)).toBeGreaterThanOrEqual(70);
  await page.setViewportSize({ width: 1440, height: 900 });
  // Records from the Flink job (through its preview topic) fill the preview table: even user ids only.
  const previewRows = page.getByTestId('preview-table').locator('tbody tr');
  await expect(previewRows.first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('preview-table').locator('thead')).toContainText('user_id');
  const userIdColumn = (await page.getByTestId('preview-table').locator('thead th').allTextContents()).indexOf('user_id');
  const ids = await previewRows.locator(`td:nth-child(${userIdColumn + 1})`).allTextContents();
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.every((t) => /^\d+$/.test(t) && Number(t) % 2 === 0)).toBe(true);
  await page.screenshot({ path: 'test-results/flink-builder-running.png' });

  // The job page, through the jobs list as a user gets there.
  await page.getByTestId('nav-jobs').click();
  const open = page.locator('[data-testid^="job-open-"]').first();
  await expect(open).toBeVisible();
  const jobId = (await open.getAttribute('data-testid'))!.slice('job-open-'.length);
  await open.click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(page.getByTestId('job-page-target')).toContainText('on Flink');
  const firstRun = await flinkJobId(page);
  expect(await flinkState(firstRun)).toBe('RUNNING');

  // The dashboard moves: the source's rate shows on its node, and the records chart gains samples.
  await expect.poll(() => sourceRate(page, source), { timeout: 60_000 }).toBeGreaterThan(0);
  await expectChartGrows(page, 'chart-records-out', 60_000);
  await expect(page.getByTestId('chart-late-dead')).toContainText('Not counted for a job on Flink.');
  await expect(page.getByTestId('chart-state')).toContainText('Not reported for a job on Flink.');
  await page.screenshot({ path: 'test-results/flink-job-page.png', fullPage: true });

  // A node's detail: Flink's figures, and a plain word on what Flink does not give (no live sample
  // of records, no subtask rows) rather than a panel waiting for ever.
  await page.locator(`.react-flow__node[data-id="${filter}"]`).click();
  const detail = page.getByTestId('node-detail');
  await expect(detail).toContainText('records in / out');
  await expect(detail.getByTestId('node-detail-uncounted')).toHaveText('not counted on Flink');
  await expect(detail.getByTestId('node-sample-note')).toContainText('A job on Flink has no live sample');
  await expect(detail.getByTestId('subtasks-note')).toContainText("Flink's web UI");
  await detail.getByRole('button', { name: 'Close node detail' }).click();
  await expect(detail).toHaveCount(0);

  // A savepoint from the checkpoints panel: Flink takes it, the panel lists it.
  const panel = page.getByTestId('checkpoints-panel');
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.getByTestId('savepoint-now')).toBeEnabled();
  await panel.getByTestId('savepoint-now').click();
  const savepoint = panel.locator('[data-testid="checkpoint-row"][data-status="completed"]', { hasText: 'savepoint' }).first();
  await expect(savepoint).toBeVisible({ timeout: 60_000 });
  const savepointId = (await savepoint.getAttribute('data-snapshot'))!;
  expect(savepointId).toMatch(/^sp-savepoint-/);
  await expect(panel.getByTestId('checkpoints-error')).toHaveCount(0);

  // Stop: Flink cancels the job; the savepoint stays restorable.
  await page.getByTestId('job-page-stop').click();
  await expect(page.getByTestId('job-status')).toHaveText('stopped', { timeout: 60_000 });
  await expect.poll(() => flinkState(firstRun), { timeout: 30_000 }).toBe('CANCELED');
  const row = panel.locator(`[data-testid="checkpoint-row"][data-snapshot="${savepointId}"]`);
  await expect(row).toHaveAttribute('data-status', 'completed');
  await expect(panel.getByTestId('savepoint-now')).toBeDisabled();
  await page.screenshot({ path: 'test-results/flink-stopped.png', fullPage: true });

  // Restore from the savepoint: a new Flink job starts from it.
  await row.getByTestId('checkpoint-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog).toContainText(savepointId);
  await dialog.getByTestId('restore-confirm').click();
  await expect(dialog).toHaveCount(0, { timeout: 120_000 });
  await expect(panel.getByTestId('checkpoints-restarted')).toContainText(`restored from ${savepointId}`);
  await expect(panel.getByTestId('checkpoints-error')).toHaveCount(0);
  await expect(page.getByTestId('job-status')).toHaveText(/running/i, { timeout: 120_000 });
  await expect(page.getByTestId('job-page-target')).toContainText('on Flink');
  await expect.poll(async () => ((await page.getByTestId('job-page-target').getAttribute('title')) ?? '').slice('Flink job '.length), { timeout: 60_000 }).not.toBe(firstRun);
  const secondRun = await flinkJobId(page);
  expect(await flinkState(secondRun)).toBe('RUNNING');
  // Flink itself says the new job started from that savepoint.
  await expect
    .poll(
      async () => {
        const r = (await (await fetch(`${flink!.restUrl}/jobs/${secondRun}/checkpoints`)).json()) as { latest?: { restored?: { external_path?: string; is_savepoint?: boolean } } };
        return r.latest?.restored?.is_savepoint === true && (r.latest.restored.external_path ?? '').includes(savepointId.slice('sp-'.length));
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  // ... and it runs: its records chart moves again.
  await expectChartGrows(page, 'chart-records-out', 60_000);
  await page.screenshot({ path: 'test-results/flink-restored.png', fullPage: true });

  await page.getByTestId('job-page-stop').click();
  await expect(page.getByTestId('job-status')).toHaveText('stopped', { timeout: 60_000 });
  await expect.poll(() => flinkState(secondRun), { timeout: 30_000 }).toBe('CANCELED');
});
