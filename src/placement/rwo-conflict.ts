/**
 * ReadWriteOnce claims pin a volume to one node at a time: a pod scheduled elsewhere while
 * another pod still uses the claim would schedule but never attach (Multi-Attach error) and never
 * become Ready. The scheduler does not catch this, so the kubelet simulation and the planner's
 * RWO_VOLUME finding ask here.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';
import { isTerminal, podKeyOf } from '../kube/pod.js';
import { compareStrings, podClaimNames, type PlacementState } from './placement-state.js';

export interface RwoConflict {
  /** The claim's name (in the pod's namespace). */
  claim: string;
  /** `podKey` of the other pod using it. */
  otherPod: string;
  /** The node that pod is on. */
  otherNode: string;
}

/**
 * Whether a claim's volume attaches to one node at a time — the one ReadWriteOnce rule of the
 * planner (RWO_VOLUME) and the simulator's kubelet (Multi-Attach), as upstream's
 * IsMultiAttachAllowed: access modes are known (the bound volume's, else the claim's) and none is
 * ReadWriteMany or ReadOnlyMany. So ReadWriteOnce and ReadWriteOncePod claims are single-node.
 */
export function isSingleNodeClaim(pvc: PersistentVolumeClaim, pv?: PersistentVolume): boolean {
  const pvModes = pv?.spec.accessModes;
  const modes = pvModes && pvModes.length > 0 ? pvModes : (pvc.spec.accessModes ?? pvc.status?.accessModes ?? []);
  return modes.length > 0 && !modes.includes('ReadWriteMany') && !modes.includes('ReadOnlyMany');
}

/**
 * The first (by claim, then pod key) single-node claim of `pod` (see isSingleNodeClaim) that
 * another non-terminal pod placed on a node other than `nodeName` uses; undefined when none.
 */
export function rwoConflict(state: PlacementState, pod: Pod, nodeName: string): RwoConflict | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const self = podKeyOf(pod);
  for (const claim of [...new Set(podClaimNames(pod))].sort(compareStrings)) {
    const pvc = state.pvcs.get(`${ns}/${claim}`);
    if (!pvc || !isSingleNodeClaim(pvc, pvc.spec.volumeName ? state.pvs.get(pvc.spec.volumeName) : undefined)) continue;
    for (const other of [...state.claimUsers(ns, claim)].sort(compareStrings)) {
      if (other === self) continue;
      const otherNode = state.nodeOf(other);
      const otherPod = state.getPod(other);
      if (otherNode === undefined || otherNode === nodeName || !otherPod || isTerminal(otherPod)) continue;
      return { claim, otherPod: other, otherNode };
    }
  }
  return undefined;
}
