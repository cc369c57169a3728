// Browser tests (test/e2e): Debian's Chromium driven by playwright-core against the real server and
// the fake upstreams. Kept out of `npm test`; run with `npm run test:e2e`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser at a time: two journeys in parallel would only compete for the two cores.
    fileParallelism: false,
    // A browser test that fails is tried once more before it counts: on a loaded 2-core machine a
    // page can miss a 15 s wait without anything being wrong. A real failure fails twice.
    retry: 1,
  },
});
