/**
 * ReadWriteOnce claims pin a volume to one node at a time: a pod scheduled elsewhere while
 * another pod still uses the claim would schedule but never attach (Multi-Attach error) and never
 * become Ready. The scheduler does not catch this, so the kubelet simulation and the planner's
 * RWO_VOLUME finding ask here.
 */
import type { Pod } from '../model/k8s.js';
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
 * The first (by claim, then pod key) ReadWriteOnce claim of `pod` that another non-terminal pod
 * placed on a node other than `nodeName` uses; undefined when none. Claims that also allow
 * ReadWriteMany or ReadOnlyMany are not counted.
 */
export function rwoConflict(state: PlacementState, pod: Pod, nodeName: string): RwoConflict | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const self = podKeyOf(pod);
  for (const claim of [...new Set(podClaimNames(pod))].sort(compareStrings)) {
    const pvc = state.pvcs.get(`${ns}/${claim}`);
    const modes = pvc?.spec.accessModes ?? pvc?.status?.accessModes ?? [];
    if (!modes.includes('ReadWriteOnce') || modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany')) continue;
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
