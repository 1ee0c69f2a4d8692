/**
 * Waits on watch caches, not polling: `check` runs after every change any of the caches
 * delivers, and the wait ends when it returns a value, when the deadline passes (injected
 * clock), or when the signal aborts.
 */
import { SdrainError } from '../errors.js';
import type { ObjectCache } from '../cluster/cluster-gateway.js';
import { sleep, type Clock } from '../clock.js';

export class WaitTimeout extends SdrainError {
  constructor(message: string) {
    super('APPLY_FAILED', message);
    this.name = 'WaitTimeout';
  }
}

/** Thrown when the signal aborts a wait; the executor turns it into a clean stop. */
export class Interrupted extends SdrainError {
  constructor(message = 'Interrupted') {
    super('INTERRUPTED', message);
    this.name = 'Interrupted';
  }
}

export async function waitFor<T>(opts: {
  caches: ObjectCache[];
  check: () => T | undefined;
  deadlineMs: number;
  clock: Clock;
  signal: AbortSignal;
  /** Message for the timeout error, built when it happens (so it can say what was seen). */
  timeoutMessage: () => string;
}): Promise<T> {
  await Promise.all(opts.caches.map((c) => c.synced));
  if (opts.signal.aborted) throw new Interrupted();
  const failed = () => opts.caches.map((c) => c.error?.()).find((e) => e !== undefined);
  const broken = failed();
  if (broken) throw broken;
  const first = opts.check();
  if (first !== undefined) return first;
  return new Promise<T>((resolve, reject) => {
    const stopTimer = new AbortController();
    const unsubs: (() => void)[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      for (const u of unsubs) u();
      stopTimer.abort();
      opts.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onChange = () => {
      if (settled) return;
      let value: T | undefined;
      try {
        const broken = failed();
        if (broken) throw broken;
        value = opts.check();
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (value !== undefined) finish(() => resolve(value));
    };
    const onAbort = () => finish(() => reject(new Interrupted()));
    for (const c of opts.caches) unsubs.push(c.onChange(onChange));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const left = Math.max(0, opts.deadlineMs - opts.clock.now());
    void sleep(opts.clock, left, stopTimer.signal).then(() => {
      if (stopTimer.signal.aborted) return;
      // One last look: a change may have landed just as the deadline passed.
      onChange();
      finish(() => reject(new WaitTimeout(opts.timeoutMessage())));
    });
  });
}
