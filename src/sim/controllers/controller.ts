/**
 * What every simulated controller is: a reaction to store events (enqueue keys) and a sync of
 * one key (read the cache, write the store). Controllers share one ObjectCache and are pumped by
 * the ControllerRunner in a fixed order.
 */
import type { Clock, Store, StoreEvent } from '../store/types.js';
import type { ObjectCache } from './object-cache.js';
import type { PlacementView } from './placement-view.js';
import type { WorkQueue } from './work-queue.js';
import type { EventRecorder } from './event-recorder.js';

/** Everything a controller may use; no wall clock, no Math.random. */
export interface ControllerContext {
  readonly store: Store;
  readonly cache: ObjectCache;
  /** The scheduler cache (shared by the scheduler and the kubelet's volume checks). */
  readonly placement: PlacementView;
  readonly clock: Clock;
  /** Default pod startup time (Pending → Ready), ms. */
  readonly podStartupMs: number;
  /** Cap on how long a deleted pod takes to go, ms; undefined: its whole grace period. */
  readonly maxTerminationMs?: number;
  /** Records Events as the real components do (bounded, never drawing from the seeded generator). */
  readonly events: EventRecorder;
  /** Diagnostics for the operator (never thrown). */
  log(message: string): void;
}

/** One controller: event → keys, key → reconcile. */
export interface Controller {
  readonly name: string;
  /** Enqueue the keys this event affects (the cache already reflects it). */
  onEvent(ev: StoreEvent, queue: WorkQueue): void;
  /** Enqueue everything that may need work after start-up. */
  start(queue: WorkQueue): void;
  /** Reconcile one key. Throwing re-queues the key after a short back-off. */
  sync(key: string, queue: WorkQueue): void;
}
