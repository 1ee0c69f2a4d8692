/**
 * Lookups the planner needs, built once per plan in one pass over the snapshot so that no rule
 * rescans every pod (5,000 nodes / 150,000 pods must plan in seconds). Every list is kept in
 * canonical order (namespace, name, uid) whatever order the snapshot arrived in.
 */
import type {
  HorizontalPodAutoscaler,
  KubeObject,
  Node,
  OwnerReference,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
} from '../model/k8s.js';
import type { Snapshot } from '../model/snapshot.js';
import { controllerOf } from '../kube/pod.js';
import { compareObjects, objectKey } from './compare.js';

export interface ClusterIndex {
  snapshot: Snapshot;
  nodes: Map<string, Node>;
  /** Node names in code-unit order. */
  nodeNames: string[];
  /** Pods bound to each node (spec.nodeName), canonical order. */
  podsByNode: Map<string, Pod[]>;
  /** Pods per namespace, canonical order (PDB arithmetic); built on first read. */
  podsByNamespace: Map<string, Pod[]>;
  /** Pods by the key of their controller (see controllerKey). */
  podsByController: Map<string, Pod[]>;
  /** Owner objects (ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, others) by objectKey. */
  owners: Map<string, KubeObject>;
  /** ReplicaSets by the objectKey of their controller (a Deployment's ReplicaSets). */
  replicaSetsByController: Map<string, KubeObject[]>;
  /** PodDisruptionBudgets per namespace, canonical order. */
  pdbsByNamespace: Map<string, PodDisruptionBudget[]>;
  /** HPAs by objectKey(target kind, namespace, target name). */
  hpasByTarget: Map<string, HorizontalPodAutoscaler[]>;
  pvcs: Map<string, PersistentVolumeClaim>;
  pvs: Map<string, PersistentVolume>;
}

/** Key identifying a controller owner reference of an object in `namespace`. */
export function controllerKey(ref: OwnerReference, namespace: string | undefined): string {
  return objectKey(ref.kind, namespace, ref.name);
}

/** Finds the object an owner reference names; a UID mismatch means the owner was replaced. */
export function findOwner(index: ClusterIndex, ref: OwnerReference, namespace: string | undefined): KubeObject | undefined {
  const found = index.owners.get(controllerKey(ref, namespace));
  if (!found) return undefined;
  if (ref.uid && found.metadata.uid && ref.uid !== found.metadata.uid) return undefined;
  return found;
}

/** The list in canonical order; snapshots usually arrive sorted, so check before copying. */
function canonical<T extends KubeObject>(list: readonly T[]): readonly T[] {
  for (let i = 1; i < list.length; i++) if (compareObjects(list[i - 1]!, list[i]!) > 0) return [...list].sort(compareObjects);
  return list;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds every index in one pass; O(objects · log objects). */
export function buildClusterIndex(snapshot: Snapshot): ClusterIndex {
  const nodes = new Map<string, Node>();
  for (const n of canonical(snapshot.nodes)) if (!nodes.has(n.metadata.name)) nodes.set(n.metadata.name, n);
  const nodeNames = [...nodes.keys()];

  const podsByNode = new Map<string, Pod[]>();
  const podsByController = new Map<string, Pod[]>();
  const pods = canonical(snapshot.pods);
  // Pods arrive sorted by namespace and name, so a controller's pods mostly come in a run:
  // reuse the previous pod's list while the controller is the same, instead of building and
  // looking up its key again.
  let lastKind: string | undefined;
  let lastName: string | undefined;
  let lastNamespace: string | undefined;
  let lastList: Pod[] | undefined;
  let lastNode: string | undefined;
  let lastNodeList: Pod[] | undefined;
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      if (nodeName === lastNode && lastNodeList !== undefined) lastNodeList.push(pod);
      else {
        let list = podsByNode.get(nodeName);
        if (list) list.push(pod);
        else podsByNode.set(nodeName, (list = [pod]));
        lastNode = nodeName;
        lastNodeList = list;
      }
    }
    const ctl = controllerOf(pod);
    if (!ctl) continue;
    const namespace = pod.metadata.namespace;
    if (lastList !== undefined && ctl.kind === lastKind && ctl.name === lastName && namespace === lastNamespace) {
      lastList.push(pod);
      continue;
    }
    const key = controllerKey(ctl, namespace);
    let list = podsByController.get(key);
    if (list) list.push(pod);
    else podsByController.set(key, (list = [pod]));
    lastKind = ctl.kind;
    lastName = ctl.name;
    lastNamespace = namespace;
    lastList = list;
  }
  // Read only for PodDisruptionBudget arithmetic: built on first use, so plans without budgets never pay for it.
  let podsByNamespace: Map<string, Pod[]> | undefined;
  const namespacePods = (): Map<string, Pod[]> => {
    if (!podsByNamespace) {
      podsByNamespace = new Map();
      for (const pod of pods) push(podsByNamespace, pod.metadata.namespace ?? '', pod);
    }
    return podsByNamespace;
  };

  const owners = new Map<string, KubeObject>();
  const ownerLists: KubeObject[][] = [
    snapshot.replicaSets,
    snapshot.deployments,
    snapshot.statefulSets,
    snapshot.daemonSets,
    snapshot.jobs,
    snapshot.other,
  ];
  for (const list of ownerLists) {
    for (const o of canonical(list)) {
      const key = objectKey(o.kind, o.metadata.namespace, o.metadata.name);
      if (!owners.has(key)) owners.set(key, o);
    }
  }

  const replicaSetsByController = new Map<string, KubeObject[]>();
  for (const rs of canonical(snapshot.replicaSets)) {
    const ctl = controllerOf(rs);
    if (ctl) push(replicaSetsByController, controllerKey(ctl, rs.metadata.namespace), rs);
  }

  const pdbsByNamespace = new Map<string, PodDisruptionBudget[]>();
  for (const pdb of canonical(snapshot.pdbs)) push(pdbsByNamespace, pdb.metadata.namespace ?? '', pdb);

  const hpasByTarget = new Map<string, HorizontalPodAutoscaler[]>();
  for (const hpa of canonical(snapshot.hpas)) {
    const t = hpa.spec?.scaleTargetRef;
    if (t?.kind && t.name) push(hpasByTarget, objectKey(t.kind, hpa.metadata.namespace, t.name), hpa);
  }

  const pvcs = new Map<string, PersistentVolumeClaim>();
  for (const pvc of canonical(snapshot.pvcs)) {
    const key = objectKey('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name);
    if (!pvcs.has(key)) pvcs.set(key, pvc);
  }
  const pvs = new Map<string, PersistentVolume>();
  for (const pv of canonical(snapshot.pvs)) if (!pvs.has(pv.metadata.name)) pvs.set(pv.metadata.name, pv);

  return {
    snapshot,
    nodes,
    nodeNames,
    podsByNode,
    get podsByNamespace() {
      return namespacePods();
    },
    podsByController,
    owners,
    replicaSetsByController,
    pdbsByNamespace,
    hpasByTarget,
    pvcs,
    pvs,
  };
}
