/**
 * Keyed work queues and the pump that drains them. Store events only enqueue keys; the pump
 * runs later (setImmediate), so a burst of events — loading 150,000 pods, a drain evicting a
 * node — costs one sync per affected key, not one per event. Keys are processed in sorted
 * order and controllers in a fixed order, so the same events give the same writes.
 */
import type { Clock } from '../store/types.js';

/** One controller's pending keys plus its delayed re-queues (clock timers). */
export class WorkQueue {
  private pending = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel(): void }>();

  constructor(
    private readonly clock: Clock,
    private readonly wake: () => void,
  ) {}

  add(key: string): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.wake();
  }

  /** Re-queues `key` after `ms`; keeps only the earliest pending timer per key. */
  addAfter(key: string, ms: number): void {
    const delay = Math.max(0, Math.ceil(ms));
    const at = this.clock.now() + delay;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delay);
    this.timers.set(key, { at, cancel: () => handle.cancel() });
  }

  get size(): number {
    return this.pending.size;
  }

  /** Removes and returns the pending keys, sorted (plain code-unit order). */
  take(): string[] {
    const keys = [...this.pending].sort();
    this.pending = new Set();
    return keys;
  }

  /** Cancels every timer and forgets pending keys. */
  clear(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.pending.clear();
  }
}
