/**
 * Watches the simulator's store (not the API, not apply's own events) and records, per
 * workload, the least number of ready pods seen while observing. A pod counts as ready when its
 * Ready condition is True and it is not terminating: a terminating pod is taken out of Service
 * endpoints at once, so it serves no traffic even while its containers still run.
 */
import type { KubeObject, Pod } from '../model/k8s.js';
import type { Store } from '../sim/store/types.js';

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

function isReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Starts observing `workloads`; synchronous with every store write, so no dip is missed. */
export function observeReady(store: Store, workloads: readonly WorkloadKey[]): ReadyObserver {
  const watched = new Set(workloads);
  const current = new Map<WorkloadKey, number>();
  const min = new Map<WorkloadKey, number>();
  const count = (key: WorkloadKey) => {
    const [, ref] = key.split(' ');
    const ns = ref?.split('/')[0];
    return store.list<Pod>('Pod', { namespace: ns }).filter((p) => isReady(p) && workloadOf(store, p) === key).length;
  };
  const update = (key: WorkloadKey) => {
    const n = count(key);
    current.set(key, n);
    min.set(key, Math.min(n, min.get(key) ?? n));
  };
  for (const key of watched) update(key);
  const unsubscribe = store.on((e) => {
    if (e.kind !== 'Pod') return;
    for (const obj of [e.object, e.old]) {
      const key = obj && workloadOf(store, obj);
      if (key && watched.has(key)) update(key);
    }
  });
  return {
    minReady: () => new Map(min),
    ready: () => new Map(current),
    stop: unsubscribe,
  };
}
