/**
 * The benchmarks' view of the simulator's ready observer (src/sim/ready-observer.ts), independent
 * of both drain tools: workloads by namespace and label app=<app>, a timeline of (ms, ready).
 */
import type { Pod } from '../../src/model/k8s.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { observeReady as observe } from '../../src/sim/ready-observer.js';

export interface TrackedWorkload {
  namespace: string;
  app: string;
}

export interface Timeline {
  workload: TrackedWorkload;
  /** [ms since the observer started, ready count] on every change. */
  points: [number, number][];
}

export interface ReadyObserver {
  timelines(): Timeline[];
  current(w: TrackedWorkload): number;
  /** Resolves when pred holds after some event (or now); rejects after timeoutMs. */
  waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean>;
  elapsed(): number;
  stop(): void;
}

export function observeReady(sim: Simulator, workloads: TrackedWorkload[]): ReadyObserver {
  const keyOf = (w: TrackedWorkload) => `${w.namespace}/${w.app}`;
  const obs = observe(
    sim.store,
    workloads.map((w) => ({ key: keyOf(w), namespace: w.namespace, owns: (p: Pod) => p.metadata.labels?.app === w.app })),
  );
  return {
    timelines: () => workloads.map((w) => ({ workload: w, points: obs.timeline(keyOf(w)) })),
    current: (w) => obs.current(keyOf(w)),
    elapsed: obs.elapsed,
    waitUntil: obs.waitUntil,
    stop: obs.stop,
  };
}

/** Lowest ready count, and ms spent below `floor` between the observer's start and `endMs`. */
export function summarise(points: [number, number][], floor: number, endMs: number): { min: number; msBelow: number } {
  let min = Infinity;
  let msBelow = 0;
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i]!;
    if (t > endMs) break;
    min = Math.min(min, v);
    const next = Math.min(points[i + 1]?.[0] ?? endMs, endMs);
    if (v < floor) msBelow += next - t;
  }
  return { min: min === Infinity ? 0 : min, msBelow };
}
