/**
 * The volume predicates: VolumeRestrictions (ReadWriteOncePod claims used by another pod; its
 * disk conflicts are in volume-restrictions.ts),
 * VolumeBinding (claims exist; a bound PV's node affinity; unbound claims by their class' binding
 * mode and provisioner, see unbound-claims.ts) and VolumeZone (a bound PV's zone/region labels). `prepareVolumes` does the
 * pod-wide part once (kube-scheduler's PreFilter); `volumeBinding`/`volumeZone` check one node.
 */
import type { PersistentVolumeClaim, Pod } from '../../model/k8s.js';
import type { NodeInfo, PlacementState } from '../placement-state.js';
import { ephemeralClaimName } from '../pod-claims.js';
import { compileNodeSelector, type NodeMatcher } from '../node-selector.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';
import { podKeyOf } from '../../kube/pod.js';
import {
  claimClassName,
  claimToBeCreated,
  ephemeralClaimOwner,
  prepareUnboundClaim,
  unboundClaimsFit,
  type StorageClassLike,
  type UnboundClaim,
} from './unbound-claims.js';

const ZONE_LABELS = [
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
] as const;

const GA_LABEL: Record<string, string> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
};

export const PV_NODE_AFFINITY_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const PV_MISSING = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const NO_VOLUME_ZONE = 'node(s) had no available volume zone';
export const BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const RWOP_CONFLICT = 'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod';
export const UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeState {
  /** Pod-wide failures (missing/deleting claims, unbound Immediate claims), in scheduler order. */
  podWide: PredicateFailure[];
  /**
   * A ReadWriteOncePod claim of the pod is in use by another pod: VolumeRestrictions then rejects
   * every node (a Filter failure, as upstream: evicting that pod would help).
   */
  readWriteOncePodInUse: boolean;
  /** Some bound claim names a PV that does not exist. */
  missingPv: boolean;
  /** Bound PVs' required node affinity. */
  pvAffinity: NodeMatcher[];
  /** Bound PVs' zone/region labels: the node's label must be one of the values. */
  zones: { key: string; values: Set<string> }[];
  /** Unbound WaitForFirstConsumer claims and claims still to be created, checked per node. */
  unbound: UnboundClaim[];
  /**
   * Unbound claims passed only because the snapshot holds no StorageClass at all (kube-scheduler
   * would refuse one whose class is unset or missing), for the caller to report: `claim "data"`,
   * or `ephemeral volume "scratch"` for a claim still to be created.
   */
  assumedProvisionable: string[];
}

const notFound = (claim: string): PredicateFailure => ({ predicate: 'VolumeBinding', message: `persistentvolumeclaim "${claim}" not found`, unresolvable: true, podWide: true });

interface PodClaim {
  name: string;
  /** The pod volume using it. */
  volume: string;
  pvc: PersistentVolumeClaim;
  /** A generic ephemeral volume's claim that its controller has not created yet. */
  toBeCreated: boolean;
}

/**
 * The claim each PVC-backed volume of the pod uses: the existing claim or, for a generic
 * ephemeral volume whose claim is not made yet (a replacement pod's, or one whose previous pod of
 * the same name still holds the old claim), the claim its controller will make. A failure
 * instead when a claim cannot be used.
 */
function podClaims(state: PlacementState, pod: Pod): PodClaim[] | PredicateFailure {
  const ns = pod.metadata.namespace ?? 'default';
  const out: PodClaim[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (claimName) {
      const pvc = state.pvcs.get(`${ns}/${claimName}`);
      if (!pvc) return notFound(claimName);
      out.push({ name: claimName, volume: v.name, pvc, toBeCreated: false });
      continue;
    }
    if (!v.ephemeral) continue;
    const name = ephemeralClaimName(pod, v);
    const pvc = state.pvcs.get(`${ns}/${name}`);
    const owner = pvc ? ephemeralClaimOwner(pod, pvc) : 'previous';
    if (owner === 'foreign') {
      return { predicate: 'VolumeBinding', message: `PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`, unresolvable: true, podWide: true };
    }
    if (owner === 'own') out.push({ name, volume: v.name, pvc: pvc!, toBeCreated: false });
    else out.push({ name, volume: v.name, pvc: claimToBeCreated(pod, v, name, state), toBeCreated: true });
  }
  return out;
}

export function prepareVolumes(state: PlacementState, pod: Pod): VolumeState {
  const out: VolumeState = { podWide: [], readWriteOncePodInUse: false, missingPv: false, pvAffinity: [], zones: [], unbound: [], assumedProvisionable: [] };
  if (!pod.spec.volumes) return out;
  const ns = pod.metadata.namespace ?? 'default';
  const self = podKeyOf(pod);
  const claims = podClaims(state, pod);
  if (!Array.isArray(claims)) {
    out.podWide = [claims];
    return out;
  }
  // A snapshot without any StorageClass cannot say how a claim would be bound: assume it can be.
  const classesKnown = state.storageClasses.size > 0;
  const binding: PredicateFailure[] = [];
  let unboundImmediate = false;
  for (const { name: claim, volume, pvc, toBeCreated } of claims) {
    if (pvc.metadata.deletionTimestamp) {
      binding.push({ predicate: 'VolumeBinding', message: `persistentvolumeclaim "${claim}" is being deleted`, unresolvable: true, podWide: true });
      continue;
    }
    const modes = pvc.spec.accessModes ?? [];
    if (!toBeCreated && modes.includes('ReadWriteOncePod') && [...state.claimUsers(ns, claim)].some((k) => k !== self)) out.readWriteOncePodInUse = true;
    const pvName = pvc.spec.volumeName;
    if (pvName) {
      const pv = state.pvs.get(pvName);
      if (!pv) {
        out.missingPv = true;
        continue;
      }
      const required = pv.spec.nodeAffinity?.required;
      if (required) out.pvAffinity.push(compileNodeSelector(required));
      for (const key of ZONE_LABELS) {
        const v = pv.metadata.labels?.[key];
        if (v) out.zones.push({ key, values: new Set(v.split('__')) });
      }
      continue;
    }
    const scName = claimClassName(pvc);
    const sc = scName ? (state.storageClasses.get(scName) as StorageClassLike | undefined) : undefined;
    if (!sc && !classesKnown) {
      out.assumedProvisionable.push(toBeCreated ? `ephemeral volume "${volume}"` : `claim "${claim}"`);
      continue;
    }
    // An existing claim that does not wait for its first consumer must be bound already (an
    // unset or missing class counts as Immediate, as upstream's IsDelayBindingMode). A claim
    // still to be created is bound or provisioned once made, whatever its mode.
    if (!toBeCreated && (!sc || (sc.volumeBindingMode ?? 'Immediate') !== 'WaitForFirstConsumer')) {
      unboundImmediate = true;
      continue;
    }
    out.unbound.push(prepareUnboundClaim(pvc, sc, state));
  }
  if (unboundImmediate) binding.push({ predicate: 'VolumeBinding', message: UNBOUND_IMMEDIATE, unresolvable: true, podWide: true });
  out.podWide = binding;
  return out;
}

/** VolumeBinding's per-node part. */
export function volumeBinding(vs: VolumeState, node: NodeInfo): PredicateFailure[] {
  if (vs.missingPv) return [{ predicate: 'VolumeBinding', message: PV_MISSING, unresolvable: true }];
  if (vs.pvAffinity.length === 0 && vs.unbound.length === 0) return NO_FAILURES;
  const failures: PredicateFailure[] = [];
  if (vs.pvAffinity.some((m) => !m(node))) failures.push({ predicate: 'VolumeBinding', message: PV_NODE_AFFINITY_CONFLICT, unresolvable: true });
  if (vs.unbound.length > 0 && !unboundClaimsFit(vs.unbound, node)) failures.push({ predicate: 'VolumeBinding', message: BIND_CONFLICT, unresolvable: true });
  return failures;
}

/** VolumeZone: a node without any zone/region label is not constrained. */
export function volumeZone(vs: VolumeState, node: NodeInfo): PredicateFailure[] {
  if (vs.zones.length === 0) return NO_FAILURES;
  if (!ZONE_LABELS.some((k) => k in node.labels)) return NO_FAILURES;
  for (const z of vs.zones) {
    const v = node.labels[z.key] ?? (GA_LABEL[z.key] ? node.labels[GA_LABEL[z.key]!] : undefined);
    if (v === undefined || !z.values.has(v)) return [{ predicate: 'VolumeZone', message: NO_VOLUME_ZONE, unresolvable: true }];
  }
  return NO_FAILURES;
}

/**
 * What `prepareVolumes` passed for `pod` only because the snapshot holds no StorageClass (see
 * VolumeState.assumedProvisionable); [] at once when the snapshot has some or the pod mounts none.
 */
export function assumedProvisionable(state: PlacementState, pod: Pod): string[] {
  if (state.storageClasses.size > 0 || !pod.spec.volumes?.some((v) => v.persistentVolumeClaim || v.ephemeral)) return [];
  return prepareVolumes(state, pod).assumedProvisionable;
}
