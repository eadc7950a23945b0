import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.RIFFLE_E2E_PORT ?? 18_080);
/** The server's DATA_DIR (tests that check files on disk read it). */
export const E2E_DATA_DIR = process.env.RIFFLE_E2E_DATA_DIR ?? '/tmp/riffle-e2e-data';
/** The server runs with this access token; tests open `/?token=…` as a user would. */
export const E2E_TOKEN = process.env.RIFFLE_E2E_TOKEN ?? 'e2e-token-0123456789abcdef';

export default defineConfig({
  testDir: './e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.RIFFLE_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // The real server serving the built web app, on a fresh data folder.
    command: `rm -rf ${E2E_DATA_DIR} && node apps/server/bin/riffle-server.js --port ${PORT} --data-dir ${E2E_DATA_DIR}`,
    env: { RIFFLE_TOKEN: E2E_TOKEN },
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
