/**
 * Starts every simulated controller against the store. Owned by the controllers work; the
 * simulator (src/sim/simulator.ts) calls this once after loading objects.
 *
 * One ObjectCache follows the store; store events enqueue keys; a pump (setImmediate) drains
 * the queues controller by controller in a fixed order, so work is coalesced per tick and the
 * same events always give the same writes. Timers (startup, termination, deadlines) use
 * store.clock. See src/sim/FIDELITY.md for what is modelled.
 */
import type { Store, StoreEvent } from '../store/types.js';
import type { Controller, ControllerContext } from './controller.js';
import { ObjectCache } from './object-cache.js';
import { PlacementView } from './placement-view.js';
import { WorkQueue } from './work-queue.js';
import { createEventRecorder } from './event-recorder.js';
import { deploymentController } from './deployment-controller.js';
import { replicaSetController } from './replicaset-controller.js';
import { statefulSetController } from './statefulset-controller.js';
import { daemonSetController } from './daemonset-controller.js';
import { jobController } from './job-controller.js';
import { schedulerController } from './scheduler.js';
import { kubeletController } from './kubelet.js';
import { disruptionController } from './disruption-controller.js';
import { garbageCollector } from './garbage-collector.js';
import { serviceAccountController } from './serviceaccount-controller.js';

/** Names of the controllers, in the order the pump runs them. */
export const CONTROLLER_NAMES = [
  'garbage-collector',
  'deployment',
  'replicaset',
  'statefulset',
  'daemonset',
  'job',
  'scheduler',
  'kubelet',
  'disruption',
  'serviceaccount',
] as const;
/** A controller's name, for `ControllerOptions.only`. */
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** How the simulator tunes its controllers. */
export interface ControllerOptions {
  /** Default time from a pod being bound to a node until it is Running and Ready, in ms. */
  podStartupMs: number;
  /** Cap on how long a deleted pod takes to go, ms (default: its whole grace period). */
  maxTerminationMs?: number;
  /** Run only these controllers (default: all); for focused tests. */
  only?: ControllerName[];
  /** Operator diagnostics (a controller error, a retry); default: ignored. */
  log?: (message: string) => void;
  /** Most Events the controllers keep (oldest dropped first; each also expires after an hour). Default 5000. */
  maxEvents?: number;
  /** Most key syncs per pump turn before yielding to I/O (default 2000). */
  batchSize?: number;
}

/** Running controllers: stop them, or wait until they have nothing queued. */
export interface Controllers {
  stop(): void;
  /** Resolves once every queue is empty (timers may still be pending). */
  idle(): Promise<void>;
}

const FACTORIES: Record<ControllerName, (ctx: ControllerContext) => Controller> = {
  'garbage-collector': garbageCollector,
  deployment: deploymentController,
  replicaset: replicaSetController,
  statefulset: statefulSetController,
  daemonset: daemonSetController,
  job: jobController,
  scheduler: schedulerController,
  kubelet: kubeletController,
  disruption: disruptionController,
  serviceaccount: serviceAccountController,
};

/** Back-off before re-syncing a key whose sync threw (a conflict, a vanished object). */
const RETRY_MS = 250;

/** Starts every controller (or `opts.only`) on `store`; returns at once, work runs on later ticks. */
export function startControllers(store: Store, opts: ControllerOptions): Controllers {
  const log = opts.log ?? (() => {});
  const batchSize = opts.batchSize ?? 2000;
  const cache = new ObjectCache(store);
  const placement = new PlacementView(cache);
  const events = createEventRecorder(store, opts.maxEvents !== undefined ? { maxEvents: opts.maxEvents } : {});
  const ctx: ControllerContext = { store, cache, placement, events, clock: store.clock, podStartupMs: opts.podStartupMs, ...(opts.maxTerminationMs !== undefined ? { maxTerminationMs: opts.maxTerminationMs } : {}), log };
  let stopped = false;
  let scheduled = false;
  let waiters: (() => void)[] = [];

  const wake = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(pump);
  };
  const names = CONTROLLER_NAMES.filter((n) => !opts.only || opts.only.includes(n));
  const running = names.map((name) => ({ controller: FACTORIES[name](ctx), queue: new WorkQueue(store.clock, wake) }));

  const unsubscribe = store.on((ev: StoreEvent) => {
    if (stopped || !cache.apply(ev)) return;
    placement.apply(ev);
    for (const r of running) {
      try {
        r.controller.onEvent(ev, r.queue);
      } catch (err) {
        log(`controller ${r.controller.name}: cannot handle ${ev.type} ${ev.kind} "${ev.object.metadata.name}": ${String(err)}`);
      }
    }
  });

  function pump(): void {
    scheduled = false;
    if (stopped) return;
    let budget = batchSize;
    for (;;) {
      let did = false;
      for (const r of running) {
        if (r.queue.size === 0) continue;
        did = true;
        for (const key of r.queue.take()) {
          budget--;
          try {
            r.controller.sync(key, r.queue);
          } catch (err) {
            log(`controller ${r.controller.name}: sync of "${key}" failed, retrying in ${RETRY_MS}ms: ${err instanceof Error ? err.message : String(err)}`);
            r.queue.addAfter(key, RETRY_MS);
          }
        }
      }
      if (!did) break;
      if (budget <= 0) {
        wake();
        return;
      }
    }
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  for (const r of running) r.controller.start(r.queue);
  wake();

  return {
    stop() {
      stopped = true;
      unsubscribe();
      for (const r of running) r.queue.clear();
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
    idle() {
      if (stopped || (!scheduled && running.every((r) => r.queue.size === 0))) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
