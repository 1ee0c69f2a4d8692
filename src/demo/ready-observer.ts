/**
 * The demo's view of the simulator's ready observer (src/sim/ready-observer.ts): workloads named
 * "Deployment default/nginx", their pods found through ReplicaSet owners, the least ready count
 * of each since the start.
 */
import type { KubeObject, Pod } from '../model/k8s.js';
import type { Store } from '../sim/store/types.js';
import { observeReady as observe, type ReadyTrack } from '../sim/ready-observer.js';

/** "Deployment default/nginx": how the demo names a workload. */
export type WorkloadKey = string;

export interface ReadyObserver {
  /** Least ready count seen per watched workload since start (current count if it never dropped). */
  minReady(): Map<WorkloadKey, number>;
  /** Current ready count per watched workload. */
  ready(): Map<WorkloadKey, number>;
  stop(): void;
}

/** The Deployment or StatefulSet a pod belongs to, resolved through its ReplicaSet. */
export function workloadOf(store: Store, pod: KubeObject): WorkloadKey | undefined {
  const ns = pod.metadata.namespace ?? '';
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  if (owner.kind === 'StatefulSet') return `StatefulSet ${ns}/${owner.name}`;
  if (owner.kind !== 'ReplicaSet') return undefined;
  const rs = store.get('ReplicaSet', ns, owner.name);
  const dep = rs?.metadata.ownerReferences?.find((r) => r.kind === 'Deployment');
  return dep ? `Deployment ${ns}/${dep.name}` : undefined;
}

/** Starts observing `workloads` with the simulator's ready observer (src/sim/ready-observer.ts). */
export function observeReady(store: Store, workloads: readonly WorkloadKey[]): ReadyObserver {
  const tracks: ReadyTrack[] = [...new Set(workloads)].map((key) => ({
    key,
    namespace: key.split(' ')[1]?.split('/')[0] ?? '',
    owns: (pod: Pod) => workloadOf(store, pod) === key,
  }));
  const obs = observe(store, tracks);
  const each = (f: (key: string) => number) => new Map(tracks.map((t) => [t.key, f(t.key)]));
  return {
    minReady: () => each(obs.min),
    ready: () => each(obs.current),
    stop: obs.stop,
  };
}
