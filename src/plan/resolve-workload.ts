/**
 * Resolves a pod to the workload that will bring it back elsewhere, following controller
 * owner references: Pod → ReplicaSet → Deployment, Pod → StatefulSet, Pod → DaemonSet, and
 * anything else (Job, ReplicationController, custom controllers) as an evict-only owner.
 */
import type { KubeObject, ObjectRef, Pod } from '../model/k8s.js';
import { controllerOf } from '../kube/pod.js';
import { findOwner, type ClusterIndex } from './cluster-index.js';
import { objectKey } from './compare.js';

/**
 * deployment / statefulset: sdrain can roll or surge them. daemonset: left alone.
 * evict-only: a controller sdrain does not drive (pods are evicted and its owner recreates them).
 * unknown-owner: the controller named by the pod is missing from the snapshot.
 * unmanaged: no controller at all; nothing recreates the pod.
 */
export type WorkloadCategory = 'deployment' | 'statefulset' | 'daemonset' | 'evict-only' | 'unknown-owner' | 'unmanaged';

export interface Workload {
  category: WorkloadCategory;
  ref: ObjectRef & { uid?: string };
  /** The owner object when it is in the snapshot. */
  object?: KubeObject;
  /** Unique key (objectKey of kind/namespace/name) used to group pods into actions. */
  key: string;
}

function refOf(kind: string, namespace: string | undefined, name: string, uid: string | undefined): ObjectRef & { uid?: string } {
  const ref: ObjectRef & { uid?: string } = { kind, name };
  if (namespace !== undefined) ref.namespace = namespace;
  if (uid) ref.uid = uid;
  return ref;
}

function workloadOf(category: WorkloadCategory, kind: string, ns: string | undefined, name: string, uid: string | undefined, object?: KubeObject): Workload {
  const w: Workload = { category, ref: refOf(kind, ns, name, uid), key: objectKey(kind, ns, name) };
  if (object) w.object = object;
  return w;
}

/** The workload a pod belongs to, as far as the snapshot tells. */
export function resolveWorkload(pod: Pod, index: ClusterIndex): Workload {
  const ns = pod.metadata.namespace;
  const ctl = controllerOf(pod);
  if (!ctl) return workloadOf('unmanaged', 'Pod', ns, pod.metadata.name, pod.metadata.uid);
  if (ctl.kind === 'DaemonSet') {
    return workloadOf('daemonset', 'DaemonSet', ns, ctl.name, ctl.uid, findOwner(index, ctl, ns));
  }
  const owner = findOwner(index, ctl, ns);
  if (!owner) return workloadOf('unknown-owner', ctl.kind, ns, ctl.name, ctl.uid);
  if (ctl.kind === 'StatefulSet') {
    return workloadOf('statefulset', 'StatefulSet', ns, owner.metadata.name, owner.metadata.uid, owner);
  }
  if (ctl.kind === 'ReplicaSet') {
    const rsCtl = controllerOf(owner);
    if (!rsCtl) return workloadOf('evict-only', 'ReplicaSet', ns, owner.metadata.name, owner.metadata.uid, owner);
    const dep = findOwner(index, rsCtl, ns);
    if (rsCtl.kind === 'Deployment' && dep) {
      return workloadOf('deployment', 'Deployment', ns, dep.metadata.name, dep.metadata.uid, dep);
    }
    if (!dep) return workloadOf('unknown-owner', rsCtl.kind, ns, rsCtl.name, rsCtl.uid);
    return workloadOf('evict-only', dep.kind, ns, dep.metadata.name, dep.metadata.uid, dep);
  }
  return workloadOf('evict-only', owner.kind, ns, owner.metadata.name, owner.metadata.uid, owner);
}
