/**
 * The real Clock of apply: wall time and real timers, for the CLI and the demo. Everything below
 * them takes the clock injected, so tests drive apply (and request retries) with a manual one.
 * Its timers keep the process alive (an apply waiting 5 s between evictions must not exit);
 * the simulator's wall clock (src/sim/store/wall-clock.ts) unrefs them instead.
 */
import { sleep, type Clock } from '../clock.js';
import type { Sleep } from '../cluster/kube-request.js';

export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/** Sleeps on the wall clock: the form request retries take. */
export const wallSleep: Sleep = (ms, signal) => sleep(wallClock, ms, signal);
