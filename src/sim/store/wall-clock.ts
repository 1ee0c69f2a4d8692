/**
 * The default simulator clock: real time and real timers. Tests that need determinism inject
 * their own Clock instead.
 */
import type { Clock } from './types.js';
import { isoSeconds } from '../../kube/time.js';

/** Wall time; timers are unref'd so a forgotten one never keeps the process alive. */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** RFC 3339 with second precision, as Kubernetes prints metav1.Time (the one copy: src/kube/time.ts). */
export const formatTime = isoSeconds;

/** RFC 3339 with microsecond precision, as Kubernetes prints metav1.MicroTime. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
