/**
 * VolumeRestrictions' disk conflicts: an inline GCE persistent disk, AWS EBS volume, Ceph RBD
 * image or iSCSI target that a pod on the node already mounts. Read-write use is exclusive: GCE
 * PD, RBD and iSCSI may be shared only when every pod mounts them read-only; an EBS volume never
 * (upstream's isVolumeConflict). Then, as upstream's Filter, a ReadWriteOncePod claim already in
 * use by another pod (found by prepareVolumes) rejects the node. Evicting the other pod would
 * help, so both failures are resolvable.
 */
import type { V1Volume } from '@kubernetes/client-node';
import type { Pod } from '../../model/k8s.js';
import type { NodeInfo } from '../node-info.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';
import { RWOP_CONFLICT } from './volumes.js';

export const DISK_CONFLICT = 'node(s) had no available disk';

/** The pod's volumes that VolumeRestrictions compares (none for most pods). */
export function restrictedVolumes(pod: Pod): V1Volume[] {
  const out: V1Volume[] = [];
  for (const v of pod.spec.volumes ?? []) if (v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi) out.push(v);
  return out;
}

function overlap(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/** Whether mounting `v` conflicts with `existing`, a volume of a pod already on the node. */
export function volumesConflict(v: V1Volume, existing: V1Volume): boolean {
  if (v.gcePersistentDisk && existing.gcePersistentDisk) {
    const [a, b] = [v.gcePersistentDisk, existing.gcePersistentDisk];
    if (a.pdName === b.pdName && !(a.readOnly && b.readOnly)) return true;
  }
  if (v.awsElasticBlockStore && existing.awsElasticBlockStore && v.awsElasticBlockStore.volumeID === existing.awsElasticBlockStore.volumeID) return true;
  if (v.iscsi && existing.iscsi) {
    const [a, b] = [v.iscsi, existing.iscsi];
    if (a.iqn === b.iqn && !(a.readOnly && b.readOnly)) return true;
  }
  if (v.rbd && existing.rbd) {
    const [a, b] = [v.rbd, existing.rbd];
    if (overlap(a.monitors ?? [], b.monitors ?? []) && (a.pool || 'rbd') === (b.pool || 'rbd') && a.image === b.image && !(a.readOnly && b.readOnly)) return true;
  }
  return false;
}

/**
 * The per-node filter: `wanted` from `restrictedVolumes`; `self` (a podKey) is never its own
 * conflict; `readWriteOncePodInUse` from prepareVolumes.
 */
export function volumeRestrictions(wanted: readonly V1Volume[], readWriteOncePodInUse: boolean, node: NodeInfo, self: string): PredicateFailure[] {
  const f = diskConflict(wanted, node, self);
  if (f.length > 0 || !readWriteOncePodInUse) return f;
  return [{ predicate: 'VolumeRestrictions', message: RWOP_CONFLICT }];
}

function diskConflict(wanted: readonly V1Volume[], node: NodeInfo, self: string): PredicateFailure[] {
  if (wanted.length === 0) return NO_FAILURES;
  for (const [key, other] of node.pods) {
    if (key === self || !other.spec.volumes) continue;
    for (const existing of other.spec.volumes) {
      if (wanted.some((v) => volumesConflict(v, existing))) return [{ predicate: 'VolumeRestrictions', message: DISK_CONFLICT }];
    }
  }
  return NO_FAILURES;
}
