/**
 * A manual Clock for fast, deterministic unit tests: time moves only when everything else has
 * run. Each timer fires at now + ms; when the process is otherwise idle (setImmediate, after
 * pending promise callbacks and I/O), the earliest timer fires and the clock jumps to its time.
 * So a 10-minute deadline costs nothing, and events scheduled for 2 s happen before one
 * scheduled for 5 s — in the order real time would give, without waiting for it.
 */
import { sleep, type Clock } from '../../clock.js';

export interface ManualClock extends Clock {
  /** Timers not yet fired. */
  pending(): number;
  /** sleep(this, ms, signal), for tests that play controllers. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  let seq = 0;
  let scheduled = false;
  const timers: { at: number; seq: number; fn: () => void }[] = [];
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
    t.fn();
    schedule();
  };
  const clock: ManualClock = {
    now: () => now,
    pending: () => timers.length,
    setTimeout(fn, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.push(timer);
      schedule();
      return {
        cancel: () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
        },
      };
    },
    sleep: (ms, signal) => sleep(clock, ms, signal),
  };
  return clock;
}
