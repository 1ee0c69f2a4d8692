/**
 * Pod classification and status helpers shared by the planner, the simulator's controllers and
 * apply. Pure functions over plain objects: callers pass the clock in (`nowMs`) where time
 * matters, so the planner stays free of hidden clocks.
 */
import type { KubeObject, OwnerReference, Pod } from '../model/k8s.js';

/** Annotation the kubelet puts on the API copy of a static pod. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The managing controller (the owner reference with `controller: true`), as kubectl drain finds it. */
export function controllerOf(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (refs === undefined || refs === null) return undefined;
  // A plain loop: this runs for every pod of the cluster, several times per plan.
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    if (ref.controller === true) return ref;
  }
  return undefined;
}

/** Static pods' API mirrors: deleting them does nothing, so drain skips them. */
export function isMirrorPod(pod: Pod): boolean {
  const annotations = pod.metadata.annotations;
  return annotations !== undefined && Object.prototype.hasOwnProperty.call(annotations, MIRROR_POD_ANNOTATION);
}

/** Pods controlled by a DaemonSet: the DaemonSet would recreate them on the same node. */
export function isDaemonSetPod(pod: Pod): boolean {
  return controllerOf(pod)?.kind === 'DaemonSet';
}

/** Succeeded or Failed pods hold no resources in the scheduler and never run again. */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A pod being deleted (deletionTimestamp set); it still occupies its node until it is gone. */
export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/** The Ready condition is True (what Services and PDBs count as healthy). */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Ready for more than `minReadySeconds` at `nowMs` (podutil.IsPodAvailable: the Ready transition
 * plus minReadySeconds must be strictly before now); with 0 any ready pod is available. A ready
 * pod without a parseable transition time counts only when minReadySeconds is 0. Terminating pods
 * are never available here, as the ReplicaSet and disruption controllers skip them when counting.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (isTerminating(pod)) return false;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime === undefined ? Number.NaN : Date.parse(ready.lastTransitionTime);
  if (Number.isNaN(since)) return false;
  return since + minReadySeconds * 1000 < nowMs;
}

/** Uses an emptyDir volume (any medium, like kubectl drain): its data is lost when the pod moves. */
export function hasLocalStorage(pod: Pod): boolean {
  return pod.spec.volumes?.some((v) => v.emptyDir !== undefined && v.emptyDir !== null) ?? false;
}

/** The names of the pod's emptyDir volumes, sorted (for findings that name them). */
export function localStorageVolumes(pod: Pod): string[] {
  return (pod.spec.volumes ?? [])
    .filter((v) => v.emptyDir !== undefined && v.emptyDir !== null)
    .map((v) => v.name)
    .sort();
}

/** The `namespace/name` key used for pods everywhere in sdrain (maps, sets, messages). */
export function podKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

/** `podKey` of a pod object. */
export function podKeyOf(pod: Pick<KubeObject, 'metadata'>): string {
  return podKey(pod.metadata.namespace, pod.metadata.name);
}
