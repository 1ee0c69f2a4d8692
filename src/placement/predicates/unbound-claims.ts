/**
 * Claims that are not bound yet, the way VolumeBinding decides them: a claim whose StorageClass
 * binds immediately (or is unset, or missing) must already be bound — the pod waits; a
 * WaitForFirstConsumer claim fits a node when an available PersistentVolume matches it there, or
 * when its class can provision (a provisioner other than `kubernetes.io/no-provisioner`) within
 * its allowedTopologies. A generic ephemeral volume's claim that its controller has not created
 * yet (a replacement pod's) is judged the same way from `volumeClaimTemplate`, once created:
 * the PV controller binds or provisions it then, so it fits where a matching volume or its
 * class' provisioning reaches.
 */
import type { V1PersistentVolumeClaimSpec, V1Volume } from '@kubernetes/client-node';
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod } from '../../model/k8s.js';
import { controllerOf } from '../../kube/pod.js';
import { toUnits } from '../../kube/quantity.js';
import { fromLabelSelector, matches } from '../../kube/selector.js';
import { compileNodeSelector, type NodeFacts, type NodeMatcher } from '../node-selector.js';

/** StorageClass fields VolumeBinding reads (storage.k8s.io/v1). */
export interface StorageClassLike extends KubeObject {
  provisioner?: string;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

/** The provisioner name of classes that cannot provision (local volumes, static PVs only). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** What the storage predicates read of the cluster's storage objects. */
export interface StorageView {
  readonly pvcs: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly pvs: ReadonlyMap<string, PersistentVolume>;
  readonly storageClasses: ReadonlyMap<string, KubeObject>;
}

/** A claim's class name: the beta annotation first, then spec.storageClassName ('' = none). */
export function claimClassName(pvc: Pick<PersistentVolumeClaim, 'metadata' | 'spec'>): string {
  return pvc.metadata.annotations?.[BETA_CLASS_ANNOTATION] ?? pvc.spec.storageClassName ?? '';
}

function volumeClassName(pv: PersistentVolume): string {
  return pv.metadata.annotations?.[BETA_CLASS_ANNOTATION] ?? pv.spec.storageClassName ?? '';
}

/**
 * The class the DefaultStorageClass admission plugin gives a new claim without one: among the
 * classes marked default, the newest (then the lowest name). Undefined when none is marked.
 */
export function defaultStorageClass(classes: ReadonlyMap<string, KubeObject>): string | undefined {
  let best: KubeObject | undefined;
  for (const sc of classes.values()) {
    if (!DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === 'true')) continue;
    if (!best) {
      best = sc;
      continue;
    }
    const a = sc.metadata.creationTimestamp ?? '';
    const b = best.metadata.creationTimestamp ?? '';
    if (a > b || (a === b && sc.metadata.name < best.metadata.name)) best = sc;
  }
  return best?.metadata.name;
}

/** The claim a generic ephemeral volume's controller will create for `pod` (not yet in the cluster). */
export function claimToBeCreated(pod: Pod, volume: V1Volume, name: string, view: StorageView): PersistentVolumeClaim {
  const template = volume.ephemeral?.volumeClaimTemplate;
  const spec: V1PersistentVolumeClaimSpec = { ...(template?.spec ?? {}) };
  if (spec.storageClassName === undefined) {
    const def = defaultStorageClass(view.storageClasses);
    if (def !== undefined) spec.storageClassName = def;
  }
  const metadata: PersistentVolumeClaim['metadata'] = { name, namespace: pod.metadata.namespace ?? 'default' };
  if (template?.metadata?.annotations) metadata.annotations = template.metadata.annotations;
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec, status: { phase: 'Pending' } };
}

/**
 * Whether an existing claim named like `pod`'s ephemeral volume is that pod's own (upstream's
 * VolumeIsForPod): 'own'; 'previous' when it belongs to an earlier pod of the same name (a
 * StatefulSet replacement: it is garbage-collected and made again); 'foreign' otherwise.
 */
export function ephemeralClaimOwner(pod: Pod, pvc: PersistentVolumeClaim): 'own' | 'previous' | 'foreign' {
  const owner = controllerOf(pvc);
  if (!owner || owner.kind !== 'Pod' || owner.name !== pod.metadata.name) return 'foreign';
  const uid = pod.metadata.uid;
  if (owner.uid && (uid === undefined || uid !== owner.uid)) return 'previous';
  return 'own';
}

/** One unbound claim that VolumeBinding checks per node. */
export interface UnboundClaim {
  name: string;
  /** Requested storage in bytes (claims are matched smallest first). */
  size: number;
  /** Available volumes that match it apart from their node affinity, smallest first. */
  candidates: { pv: string; affinity: NodeMatcher | undefined }[];
  /** Where its class can provision a volume; undefined when it cannot provision. */
  provision: NodeMatcher | undefined;
}

function quantity(q: string | undefined): number {
  try {
    return toUnits(q);
  } catch {
    return 0;
  }
}

function topologyMatcher(sc: StorageClassLike): NodeMatcher {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return () => true;
  return compileNodeSelector({
    nodeSelectorTerms: terms.map((t) => ({
      matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })),
    })),
  });
}

/** Does `pv` match `pvc` (FindMatchingVolume without the node): class, size, mode, access modes, selector, free. */
function volumeMatches(pvc: PersistentVolumeClaim, className: string, size: number, pv: PersistentVolume): boolean {
  const ref = pv.spec.claimRef;
  const mine = ref !== undefined && ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === (pvc.metadata.namespace ?? 'default');
  if (ref && !mine) return false;
  if (pv.metadata.deletionTimestamp) return false;
  if (!mine && pv.status?.phase !== undefined && pv.status.phase !== 'Available') return false;
  if (volumeClassName(pv) !== className) return false;
  if (quantity(pv.spec.capacity?.storage) < size) return false;
  if ((pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem')) return false;
  const modes = pv.spec.accessModes ?? [];
  if (!(pvc.spec.accessModes ?? []).every((m) => modes.includes(m))) return false;
  const selector = fromLabelSelector(pvc.spec.selector);
  return selector === undefined || matches(selector, pv.metadata.labels);
}

/**
 * The node-independent part of checking an unbound claim: its matching volumes and whether its
 * class can provision. `sc` is its class (undefined when missing).
 */
export function prepareUnboundClaim(pvc: PersistentVolumeClaim, sc: StorageClassLike | undefined, view: StorageView): UnboundClaim {
  const className = claimClassName(pvc);
  const size = quantity(pvc.spec.resources?.requests?.storage);
  const found: { pv: PersistentVolume; size: number }[] = [];
  for (const pv of view.pvs.values()) if (volumeMatches(pvc, className, size, pv)) found.push({ pv, size: quantity(pv.spec.capacity?.storage) });
  found.sort((a, b) => a.size - b.size || (a.pv.metadata.name < b.pv.metadata.name ? -1 : a.pv.metadata.name > b.pv.metadata.name ? 1 : 0));
  const candidates = found.map(({ pv }) => {
    const required = pv.spec.nodeAffinity?.required;
    return { pv: pv.metadata.name, affinity: required ? compileNodeSelector(required) : undefined };
  });
  const canProvision = sc !== undefined && !!sc.provisioner && sc.provisioner !== NO_PROVISIONER;
  return { name: pvc.metadata.name, size, candidates, provision: canProvision ? topologyMatcher(sc) : undefined };
}

/**
 * Whether every claim can be bound on `node` (findMatchingVolumes, then checkVolumeProvisions):
 * smallest claims first each take the smallest free matching volume the node reaches, the rest
 * must be provisionable there.
 */
export function unboundClaimsFit(claims: readonly UnboundClaim[], node: NodeFacts): boolean {
  if (claims.length === 1) {
    const c = claims[0]!;
    return c.candidates.some((v) => !v.affinity || v.affinity(node)) || (c.provision !== undefined && c.provision(node));
  }
  const chosen = new Set<string>();
  const order = [...claims].sort((a, b) => a.size - b.size);
  for (const c of order) {
    const v = c.candidates.find((x) => !chosen.has(x.pv) && (!x.affinity || x.affinity(node)));
    if (v) {
      chosen.add(v.pv);
      continue;
    }
    if (c.provision === undefined || !c.provision(node)) return false;
  }
  return true;
}
