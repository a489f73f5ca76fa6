import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3900);
// One fresh database per run; workers inherit this variable from the runner.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));

const CHROMIUM = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  },
};
const FIREFOX = { browserName: 'firefox' as const, channel: 'moz-firefox', launchOptions: { executablePath: '/usr/bin/firefox-esr' } };

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  // The servers run as separate processes, so tests can crash and restart the collaboration server.
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: /crash\.spec\.ts/, use: { ...devices['Desktop Chrome'], ...CHROMIUM } },
    { name: 'firefox', testIgnore: /crash\.spec\.ts/, grepInvert: /@browserless|@chromium-only/, use: { ...devices['Desktop Firefox'], ...FIREFOX } },
    // Kills the shared collaboration server, so it runs alone, after everything else.
    { name: 'crash', testMatch: /crash\.spec\.ts/, dependencies: ['chromium', 'firefox'], use: { ...devices['Desktop Chrome'], ...CHROMIUM } },
  ],
});
