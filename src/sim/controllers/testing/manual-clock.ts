/**
 * A Clock for unit tests: time moves only when the test advances it, and timers fire in time
 * order (ties in creation order) as it passes them.
 */
import type { Clock } from '../../store/types.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** See the file comment. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const t: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => { t.cancelled = true; } };
  }

  /** When the earliest pending timer fires, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers) if (!t.cancelled && (min === undefined || t.at < min)) min = t.at;
    return min;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Fires only the earliest timer(s) due at the same instant; returns false when none is pending. */
  step(): boolean {
    const at = this.nextTimerAt();
    if (at === undefined) return false;
    this.advanceTo(at);
    return true;
  }

  advanceTo(target: number): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = due[0];
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.cancelled = true;
      this.timers = this.timers.filter((t) => !t.cancelled);
      next.fn();
    }
    this.current = Math.max(this.current, target);
  }
}
