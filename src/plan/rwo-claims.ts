/**
 * ReadWriteOnce(-Pod) claims mounted by pods: such a volume attaches to one node, so a new pod
 * elsewhere cannot start while the old pod still holds it.
 */
import type { Pod } from '../model/k8s.js';
import { isSingleNodeClaim } from '../placement/rwo-conflict.js';
import type { ClusterIndex } from './cluster-index.js';
import { compareStrings, objectKey } from './compare.js';

/**
 * Names of the single-node claims the pods mount (placement's isSingleNodeClaim, the rule the
 * simulator's kubelet applies too), sorted and deduplicated.
 */
export function rwoClaims(pods: Pod[], index: ClusterIndex): string[] {
  const out = new Set<string>();
  for (const pod of pods) {
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const pvc = index.pvcs.get(objectKey('PersistentVolumeClaim', pod.metadata.namespace, claim));
      if (!pvc) continue;
      if (isSingleNodeClaim(pvc, pvc.spec.volumeName ? index.pvs.get(pvc.spec.volumeName) : undefined)) out.add(claim);
    }
  }
  return [...out].sort(compareStrings);
}
