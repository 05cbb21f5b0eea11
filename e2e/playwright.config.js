// End-to-end suite: Debian's Chromium (never a downloaded browser) against blinger-sandbox serving
// the production build of the app from dist/ with its same-origin proxy.
import { defineConfig } from '@playwright/test';

export const SANDBOX_PORT = Number(process.env.BI_E2E_PORT || 8788);
export const SANDBOX_URL = `http://127.0.0.1:${SANDBOX_PORT}`;
export const SANDBOX_TOKEN = 'e2e-token';
// The sandbox binary (relative to e2e/); BI_SANDBOX_BIN points at another target dir's build.
const SANDBOX_BIN = process.env.BI_SANDBOX_BIN || '../target/release/blinger-sandbox';
// The built app it serves (scripts/build-app.sh writes ../dist); BI_DIST_DIR for another build.
const DIST = process.env.BI_DIST_DIR || '../dist';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: SANDBOX_URL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
    headless: true,
    trace: 'retain-on-failure',
  },
  webServer: {
    command:
      `cp ../www/app-config.sandbox.json ${DIST}/app-config.json && ` +
      `${SANDBOX_BIN} --addr 127.0.0.1:${SANDBOX_PORT} --db :memory: ` +
      `--seed demo --faults --proxy --static ${DIST} --token ${SANDBOX_TOKEN}`,
    url: `${SANDBOX_URL}/index.html`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
