import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The real-cluster tier needs a built control plane: `npm run test:kube` (vitest.kube.config.ts).
    exclude: ['**/node_modules/**', 'test/kube/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start simulators and kubectl processes: keep the 2-core CI machine from thrashing.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
