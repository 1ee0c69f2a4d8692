/**
 * vitest config for `npm run test:browser`: the tier that needs extra set-up (Debian's chromium
 * at /usr/bin/chromium, or SDRAIN_CHROMIUM), run by scripts/ci-browser.sh. `npm test` leaves it out.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
