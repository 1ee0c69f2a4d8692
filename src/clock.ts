/**
 * The one Clock interface, for the simulator and for apply: milliseconds and timers, injected
 * so tests drive time (src/apply/testing/manual-clock.ts, the simulator's controller harness).
 * Waiting is `sleep(clock, ms, signal)`, built on the clock's timers.
 */
export interface Clock {
  /** Wall-clock milliseconds. */
  now(): number;
  /** Calls fn once, ms from now (on this clock); cancel() stops it. */
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** Resolves after ms on `clock`, or at once when the signal aborts (the caller checks the signal). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
