/**
 * How controllers delete a pod, like a DELETE through the API server: a pod that never reached a
 * node goes at once; a bound pod becomes Terminating (deletionTimestamp = now + grace, grace =
 * spec.terminationGracePeriodSeconds, default 30) and the kubelet removes it later.
 *
 * The Store contract has no graceful-delete method (`mutate` keeps deletion metadata), so this
 * uses MemoryStore.markDeleting when the store has it and falls back to an immediate remove.
 */
import type { Pod } from '../../model/k8s.js';
import { formatTime } from '../store/wall-clock.js';
import type { Store } from '../store/types.js';

interface GracefulDeleteStore {
  markDeleting(kind: string, namespace: string | undefined, name: string, deletionTimestamp: string, graceSeconds: number): unknown;
}

function canMarkDeleting(store: Store): store is Store & GracefulDeleteStore {
  return typeof (store as Partial<GracefulDeleteStore>).markDeleting === 'function';
}

/** The grace period a DELETE without options gives `pod`, in seconds. */
export function podGraceSeconds(pod: Pod): number {
  const g = pod.spec.terminationGracePeriodSeconds;
  return typeof g === 'number' && g >= 0 ? g : 30;
}

/** Deletes `pod` as a controller would; a no-op for pods already terminating or gone. */
export function deletePod(store: Store, pod: Pod): void {
  const { namespace, name } = pod.metadata;
  if (pod.metadata.deletionTimestamp) return;
  const grace = podGraceSeconds(pod);
  if (!pod.spec.nodeName || grace === 0 || !canMarkDeleting(store)) {
    if (store.get('Pod', namespace, name)) store.remove('Pod', namespace, name, { uid: pod.metadata.uid });
    return;
  }
  store.markDeleting('Pod', namespace, name, formatTime(store.clock.now() + grace * 1000), grace);
}

/**
 * Ends a terminating pod once its containers have stopped: removes it, or — when finalizers
 * still hold it — sets its grace period to 0 so the store removes it as the last finalizer goes.
 */
export function finishDeletion(store: Store, pod: Pod): void {
  const { namespace, name, uid } = pod.metadata;
  const current = store.get<Pod>('Pod', namespace, name);
  if (!current || current.metadata.uid !== uid) return;
  if ((current.metadata.finalizers ?? []).length === 0 || !canMarkDeleting(store)) {
    store.remove('Pod', namespace, name, { uid });
    return;
  }
  store.markDeleting('Pod', namespace, name, current.metadata.deletionTimestamp ?? formatTime(store.clock.now()), 0);
}
