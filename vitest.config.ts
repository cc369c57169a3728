import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Web component tests (src/web/**/*.test.tsx) choose jsdom with a `// @vitest-environment jsdom`
    // comment; everything else runs in Node. Browser tests (test/e2e) have their own config.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // A new PGlite database takes seconds to create; each file shares one.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/setup/services.ts'],
  },
});
