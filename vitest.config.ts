import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);

/**
 * Tests that assert how long the event loop may be blocked. They run after all other files,
 * alone, so that other test files competing for the CPU do not decide the outcome.
 */
const TIMING = ['server/**/*.timing.test.ts'];

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // `server-only` throws outside React Server Components; tests run server code directly.
      'server-only': path.join(root, 'test/server-only-stub.ts'),
    },
  },
  test: {
    pool: 'forks',
    // Vitest's default (cores - 1) is one file at a time on a 2-core machine: the unit run took
    // 3m48s there, 2m46s with two. The test files wait on sockets, servers and disks as much as
    // they compute, and the timing file still runs alone, last (see TIMING).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    setupFiles: ['test/isolate-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'server/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'web/**/*.test.ts', 'bench/lib/**/*.test.ts', 'bench/load/**/*.test.ts'],
          exclude: TIMING,
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'timing', include: TIMING, sequence: { groupOrder: 1 } } },
    ],
  },
});
