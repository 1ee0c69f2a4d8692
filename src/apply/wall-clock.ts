/**
 * The real ApplyClock: wall time and real timers, for the CLI and the demo. Everything below
 * them takes the clock injected, so tests drive apply (and request retries) with a manual one.
 */
import type { ApplyClock } from './apply-deps.js';

export const wallClock: ApplyClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
