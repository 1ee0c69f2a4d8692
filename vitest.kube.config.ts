import { defineConfig } from 'vitest/config';

// The real-cluster tier (`npm run test:kube`): scenarios on a real control plane, one file at a
// time (they share one cluster, and each drains nodes of its own).
export default defineConfig({
  test: {
    include: ['test/kube/**/*.test.ts'],
    globalSetup: ['test/kube/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
