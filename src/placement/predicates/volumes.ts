/**
 * The volume predicates: VolumeRestrictions (ReadWriteOncePod claims used by another pod; its
 * disk conflicts are in volume-restrictions.ts),
 * VolumeBinding (claims exist; a bound PV's node affinity; unbound claims' binding mode and
 * allowed topologies) and VolumeZone (a bound PV's zone/region labels). `prepareVolumes` does the
 * pod-wide part once (kube-scheduler's PreFilter); `volumeBinding`/`volumeZone` check one node.
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import type { NodeInfo, PlacementState } from '../placement-state.js';
import { podClaimNames } from '../placement-state.js';
import { compileNodeSelector, type NodeMatcher } from '../node-selector.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';
import { podKeyOf } from '../../kube/pod.js';

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
export const RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
export const UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeState {
  /** Pod-wide failures (missing/deleting claims, RWOP in use, unbound Immediate claims), in scheduler order. */
  podWide: PredicateFailure[];
  /** Some bound claim names a PV that does not exist. */
  missingPv: boolean;
  /** Bound PVs' required node affinity. */
  pvAffinity: NodeMatcher[];
  /** Bound PVs' zone/region labels: the node's label must be one of the values. */
  zones: { key: string; values: Set<string> }[];
  /** Unbound WaitForFirstConsumer claims' StorageClass allowedTopologies. */
  topologies: NodeMatcher[];
}

interface StorageClassLike extends KubeObject {
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

function allowedTopologiesMatcher(sc: StorageClassLike): NodeMatcher | undefined {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return undefined;
  return compileNodeSelector({
    nodeSelectorTerms: terms.map((t) => ({
      matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })),
    })),
  });
}

export function prepareVolumes(state: PlacementState, pod: Pod): VolumeState {
  const out: VolumeState = { podWide: [], missingPv: false, pvAffinity: [], zones: [], topologies: [] };
  const ns = pod.metadata.namespace ?? 'default';
  const self = podKeyOf(pod);
  const claimNames = podClaimNames(pod);
  const restrictions: PredicateFailure[] = [];
  const binding: PredicateFailure[] = [];
  let unboundImmediate = false;
  for (const claim of claimNames) {
    const pvc = state.pvcs.get(`${ns}/${claim}`);
    if (!pvc) {
      binding.push({ predicate: 'VolumeBinding', message: `persistentvolumeclaim "${claim}" not found`, unresolvable: true, podWide: true });
      continue;
    }
    if (pvc.metadata.deletionTimestamp) {
      binding.push({ predicate: 'VolumeBinding', message: `persistentvolumeclaim "${claim}" is being deleted`, unresolvable: true, podWide: true });
      continue;
    }
    const modes = pvc.spec.accessModes ?? [];
    if (modes.includes('ReadWriteOncePod') && [...state.claimUsers(ns, claim)].some((k) => k !== self)) {
      restrictions.push({ predicate: 'VolumeRestrictions', message: RWOP_CONFLICT, unresolvable: true, podWide: true });
    }
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
    const scName = pvc.spec.storageClassName;
    const sc = scName ? (state.storageClasses.get(scName) as StorageClassLike | undefined) : undefined;
    if (!sc) continue;
    if ((sc.volumeBindingMode ?? 'Immediate') === 'Immediate') {
      unboundImmediate = true;
      continue;
    }
    const topo = allowedTopologiesMatcher(sc);
    if (topo) out.topologies.push(topo);
  }
  if (unboundImmediate) binding.push({ predicate: 'VolumeBinding', message: UNBOUND_IMMEDIATE, unresolvable: true, podWide: true });
  // VolumeRestrictions runs before VolumeBinding in the default profile.
  out.podWide = [...restrictions.slice(0, 1), ...binding];
  return out;
}

/** VolumeBinding's per-node part. */
export function volumeBinding(vs: VolumeState, node: NodeInfo): PredicateFailure[] {
  if (vs.missingPv) return [{ predicate: 'VolumeBinding', message: PV_MISSING, unresolvable: true }];
  if (vs.pvAffinity.length === 0 && vs.topologies.length === 0) return NO_FAILURES;
  const failures: PredicateFailure[] = [];
  if (vs.pvAffinity.some((m) => !m(node))) failures.push({ predicate: 'VolumeBinding', message: PV_NODE_AFFINITY_CONFLICT, unresolvable: true });
  if (vs.topologies.some((m) => !m(node))) failures.push({ predicate: 'VolumeBinding', message: BIND_CONFLICT, unresolvable: true });
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
