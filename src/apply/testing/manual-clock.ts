/**
 * A manual ApplyClock for fast, deterministic unit tests: time moves only when everything else
 * has run. Each sleep is a timer at now + ms; when the process is otherwise idle (setImmediate,
 * after pending promise callbacks and I/O), the earliest timer fires and the clock jumps to its
 * time. So a 10-minute deadline costs nothing, and events scheduled for 2 s happen before one
 * scheduled for 5 s — in the order real time would give, without waiting for it. A sleep whose
 * signal aborts ends at once (as wallClock's does).
 */
import type { ApplyClock } from '../apply-deps.js';

export interface ManualClock extends ApplyClock {
  /** Sleeps not yet over. */
  pending(): number;
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  let seq = 0;
  let scheduled = false;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  const schedule = () => {
    if (scheduled || timers.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };
  const tick = () => {
    scheduled = false;
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const t = timers.shift();
    if (!t) return;
    now = Math.max(now, t.at);
    t.fire();
    schedule();
  };
  return {
    now: () => now,
    pending: () => timers.length,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = {
          at: now + Math.max(0, ms),
          seq: seq++,
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        schedule();
      }),
  };
}
