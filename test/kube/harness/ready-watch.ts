/**
 * An observer independent of apply and of kubectl: its own LIST + WATCH of a workload's pods on
 * the API server (client-node's informer, which re-lists after a broken watch), recounting the
 * serving pods (Ready, not terminating) after every event and keeping the lowest count and a
 * timeline. The first count is taken from the initial list, before the caller acts.
 */
import { CoreV1Api, makeInformer, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { isServing } from './e2e-cluster.js';

export interface ReadyWatch {
  /** Lowest serving count seen since start. */
  min(): number;
  current(): number;
  /** [ms since start, serving count] at every change. */
  timeline(): [number, number][];
  /** Watch errors seen (each followed by a re-list). */
  errors(): number;
  /** ms since the watch started (the timeline's clock). */
  elapsed(): number;
  stop(): Promise<void>;
}

/** `serving` says which pods count (default: Ready and not terminating). */
export async function watchReady(kc: KubeConfig, namespace: string, labelSelector: string, serving: (pod: V1Pod) => boolean = isServing): Promise<ReadyWatch> {
  const core = kc.makeApiClient(CoreV1Api);
  const t0 = performance.now();
  const pods = new Map<string, V1Pod>();
  const points: [number, number][] = [];
  let min = Infinity;
  let errors = 0;
  let stopped = false;
  let primed = false; // the informer replays its initial list as adds: count from the whole list
  const recount = () => {
    if (!primed) return;
    const n = [...pods.values()].filter(serving).length;
    min = Math.min(min, n);
    if (points.at(-1)?.[1] !== n) points.push([Math.round(performance.now() - t0), n]);
  };
  const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace, labelSelector }), labelSelector);
  const put = (p: V1Pod) => {
    pods.set(p.metadata!.uid!, p);
    recount();
  };
  informer.on('add', put);
  informer.on('update', put);
  informer.on('delete', (p) => {
    pods.delete(p.metadata!.uid!);
    recount();
  });
  // The informer stops on an error; start it again (it lists afresh, then watches), and keep
  // trying through an outage of the API server (fault tests restart it).
  const restart = () => {
    if (stopped) return;
    setTimeout(() => {
      if (stopped) return;
      informer.start().then(
        () => {
          // Re-listed: the cache is the truth now (pods may have gone during the outage).
          pods.clear();
          for (const p of informer.list(namespace)) pods.set(p.metadata!.uid!, p);
          recount();
        },
        () => {
          errors++;
          restart();
        },
      );
    }, 500);
  };
  informer.on('error', () => {
    errors++;
    restart();
  });
  await informer.start();
  // The informer's cache holds the initial list before start() resolves.
  for (const p of informer.list(namespace)) pods.set(p.metadata!.uid!, p);
  primed = true;
  recount();
  return {
    min: () => min,
    current: () => [...pods.values()].filter(serving).length,
    timeline: () => points.slice(),
    errors: () => errors,
    elapsed: () => performance.now() - t0,
    async stop() {
      stopped = true;
      await informer.stop();
    },
  };
}
