/**
 * Starts every simulated controller against the store. Owned by the controllers work; the
 * simulator (src/sim/simulator.ts) calls this once after loading objects.
 */
import type { Store } from '../store/types.js';

export interface ControllerOptions {
  /** Default time from a pod being bound to a node until it is Running and Ready, in ms. */
  podStartupMs: number;
}

export interface Controllers {
  stop(): void;
}

export function startControllers(store: Store, opts: ControllerOptions): Controllers {
  void store;
  void opts;
  return { stop() {} };
}
