import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tier needs Chromium: `npm run test:browser` (vitest.browser.config.ts, scripts/ci-browser.sh).
    exclude: ['test/browser/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start simulators and kubectl processes: keep the 2-core CI machine from thrashing.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
