import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Tiers that need extra setup run on their own: `npm run test:kube` (a built control plane,
    // vitest.kube.config.ts) and `npm run test:browser` (Chromium, vitest.browser.config.ts).
    exclude: ['**/node_modules/**', 'test/kube/**', 'test/browser/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start simulators and kubectl processes: keep the 2-core CI machine from thrashing.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
