/**
 * An observer independent of both drain tools: it listens to the simulator store's own events
 * and, after every pod write in a tracked namespace, recounts each tracked workload's Ready,
 * non-terminating pods (label app=<app>), keeping a timeline of (ms, ready).
 */
import { isPodReady, isTerminating } from '../../src/kube/pod.js';
import type { Pod } from '../../src/model/k8s.js';
import type { Simulator } from '../../src/sim/simulator.js';

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
  const t0 = performance.now();
  const count = (w: TrackedWorkload) =>
    sim.store.list<Pod>('Pod', { namespace: w.namespace }).filter((p) => p.metadata.labels?.app === w.app && isPodReady(p) && !isTerminating(p)).length;
  const lines: Timeline[] = workloads.map((w) => ({ workload: w, points: [[0, count(w)]] }));
  const waiters = new Set<() => void>();
  const off = sim.store.on((e) => {
    if (e.kind !== 'Pod') return;
    const ns = e.object.metadata.namespace;
    const now = performance.now() - t0;
    for (const l of lines) {
      if (l.workload.namespace !== ns) continue;
      const c = count(l.workload);
      if (l.points[l.points.length - 1]![1] !== c) l.points.push([now, c]);
    }
    for (const w of [...waiters]) w();
  });
  return {
    timelines: () => lines,
    current: count,
    elapsed: () => performance.now() - t0,
    waitUntil(pred, timeoutMs) {
      if (pred()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const check = () => {
          if (pred()) done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        const done = (v: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(v);
        };
        waiters.add(check);
      });
    },
    stop: off,
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
