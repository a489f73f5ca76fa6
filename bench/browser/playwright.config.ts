import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * The browser-side benchmark (`npm run bench:browser`): not a test, never part of `npm test`.
 * Reuses the end-to-end setup, which builds the app if needed and starts the web app and the
 * collaboration server on E2E_PORT / E2E_COLLAB_PORT.
 */
const PORT = Number(process.env.E2E_PORT ?? 3900);
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-browser-'));

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  timeout: 300_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: 'list',
  outputDir: '../../test-results/bench-browser',
  globalSetup: '../../e2e/global-setup.ts',
  globalTeardown: '../../e2e/global-teardown.ts',
  use: { baseURL: `http://localhost:${PORT}` },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        browserName: 'chromium',
        launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] },
      },
    },
  ],
});
