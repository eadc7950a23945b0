import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { E2E_TOKEN } from '../playwright.config';
import { deadLetteringSpec, samples, submit } from './support/console';

// A server of its own (the shared one must not be stopped under other tests), next to it.
const PORT = Number(process.env.RIFFLE_E2E_PORT ?? 18_080) + 7;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = `${process.env.RIFFLE_E2E_DATA_DIR ?? '/tmp/riffle-e2e-data'}-reconnect`;

function startServer(): ChildProcess {
  return spawn(process.execPath, ['apps/server/bin/riffle-server.js', '--port', String(PORT), '--data-dir', DATA_DIR], {
    env: { ...process.env, RIFFLE_TOKEN: E2E_TOKEN },
    stdio: 'ignore',
  });
}

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
}

async function stopServer(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

let server: ChildProcess | undefined;
test.afterEach(async () => {
  if (server) await stopServer(server);
  rmSync(DATA_DIR, { recursive: true, force: true });
});

test('the job page says when the server is gone, stays usable, and resubscribes when it is back', async ({ page, request }) => {
  test.setTimeout(240_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  server = startServer();
  await expect.poll(healthy, { timeout: 60_000 }).toBe(true);
  const id = await submit(request, E2E_TOKEN, deadLetteringSpec('reconnect-me'), BASE);

  await page.goto(`${BASE}/jobs/${id}?token=${E2E_TOKEN}`);
  await expect(page.getByTestId('link-state')).toHaveText('live', { timeout: 60_000 });
  await expect.poll(() => samples(page, 'chart-records-out'), { timeout: 60_000 }).toBeGreaterThan(2);
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);

  // The server goes away (a real process exit, not a mocked socket).
  await stopServer(server);
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  await expect(banner).toContainText(/Live updates paused/);
  await expect(page.getByTestId('link-state')).toHaveText('offline');
  // Nothing froze: what the page held is still there and the page still answers clicks.
  const held = await samples(page, 'chart-records-out');
  expect(held).toBeGreaterThan(2);
  await page.getByTestId('node-perWindow').click();
  await expect(page.getByTestId('node-detail')).toContainText('perWindow');
  await expect(banner).toContainText(/attempt \d+/, { timeout: 30_000 });

  // Back on the same port and data folder: the job resumes, the page resubscribes and takes the
  // fresh snapshot (the new server's history), then grows again.
  server = startServer();
  await expect.poll(healthy, { timeout: 60_000 }).toBe(true);
  await expect(page.getByTestId('link-state')).toHaveText('live', { timeout: 60_000 });
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('job-status')).toHaveText(/running|checkpointing/, { timeout: 30_000 });
  const after = await samples(page, 'chart-records-out');
  await expect.poll(() => samples(page, 'chart-records-out'), { timeout: 30_000 }).toBeGreaterThan(after);
});
