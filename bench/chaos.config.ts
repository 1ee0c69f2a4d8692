/** vitest config for `npm run chaos` (bench/chaos-full.ts): one long test, no time limit per test. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/chaos-full.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
