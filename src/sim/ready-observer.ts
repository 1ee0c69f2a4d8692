/**
 * The one observer of ready pods that is independent of every drain tool (the demo, the
 * benchmarks and the tests use it): it listens to the simulator store's own write events —
 * synchronous with every write, so no dip is missed — and after each pod write recounts the
 * tracked workloads' ready pods, keeping the least count and a timeline. A pod counts as ready
 * when its Ready condition is True and it is not terminating: a terminating pod is taken out of
 * Service endpoints at once, so it serves no traffic even while its containers still run.
 */
import { isPodReady, isTerminating } from '../kube/pod.js';
import type { Pod } from '../model/k8s.js';
import type { Store } from './store/types.js';

/** One workload to track: its name for the caller, its namespace, and which pods are its. */
export interface ReadyTrack {
  key: string;
  namespace: string;
  owns: (pod: Pod) => boolean;
}

export interface ReadyObserver {
  /** Ready pods of a tracked workload now. */
  current(key: string): number;
  /** The least ready count seen since the start (the current one if it never dropped). */
  min(key: string): number;
  /** [ms since the start, ready count] at the start and on every change. */
  timeline(key: string): [number, number][];
  /** Milliseconds since the start. */
  elapsed(): number;
  /** Resolves true when `pred` holds after some pod write (or now), false after timeoutMs. */
  waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean>;
  stop(): void;
}

export function isServing(pod: Pod): boolean {
  return isPodReady(pod) && !isTerminating(pod);
}

export function observeReady(store: Store, tracks: readonly ReadyTrack[], clock: () => number = () => performance.now()): ReadyObserver {
  const t0 = clock();
  const count = (t: ReadyTrack) => store.list<Pod>('Pod', { namespace: t.namespace }).filter((p) => t.owns(p) && isServing(p)).length;
  const state = new Map(tracks.map((t) => {
    const n = count(t);
    return [t.key, { track: t, current: n, min: n, points: [[0, n]] as [number, number][] }];
  }));
  const waiters = new Set<() => void>();
  const off = store.on((e) => {
    if (e.kind !== 'Pod') return;
    const ns = e.object.metadata.namespace;
    for (const s of state.values()) {
      if (s.track.namespace !== ns) continue;
      const n = count(s.track);
      s.min = Math.min(s.min, n);
      if (n !== s.current) s.points.push([clock() - t0, n]);
      s.current = n;
    }
    for (const w of [...waiters]) w();
  });
  const get = (key: string) => {
    const s = state.get(key);
    if (!s) throw new Error(`observeReady: "${key}" is not tracked`);
    return s;
  };
  return {
    current: (key) => get(key).current,
    min: (key) => get(key).min,
    timeline: (key) => get(key).points,
    elapsed: () => clock() - t0,
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
