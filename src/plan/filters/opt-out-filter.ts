import { podName, type PodFilter } from './pod-verdict.js';

/** Cluster Autoscaler's opt-out: the owner asked that this pod not be evicted. */
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** Karpenter's opt-out: the owner asked that this pod not be disrupted. */
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** A filter for an owner's opt-out annotation: the pod must not be moved against that wish. */
function optOutFilter(annotation: string, value: string, code: 'SAFE_TO_EVICT_FALSE' | 'DO_NOT_DISRUPT'): PodFilter {
  return (pod) =>
    pod.metadata.annotations?.[annotation] === value
      ? {
          disposition: 'move',
          severity: 'error',
          code,
          message: `Cannot move ${podName(pod)}: it is annotated ${annotation}: "${value}"`,
          hint: 'Ask the owner, then remove the annotation or leave this node out of the maintenance',
        }
      : undefined;
}

/** safe-to-evict: "false" expresses an owner's wish not to be disrupted; sdrain refuses rather than overrule it. */
export const safeToEvictFilter: PodFilter = optOutFilter(SAFE_TO_EVICT_ANNOTATION, 'false', 'SAFE_TO_EVICT_FALSE');

/** karpenter.sh/do-not-disrupt: "true": same wish, Karpenter's spelling. */
export const doNotDisruptFilter: PodFilter = optOutFilter(DO_NOT_DISRUPT_ANNOTATION, 'true', 'DO_NOT_DISRUPT');
