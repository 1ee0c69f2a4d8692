import { podName, type PodFilter } from './pod-verdict.js';

/** Cluster Autoscaler's opt-out: the owner asked that this pod not be evicted. */
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** Karpenter's opt-out: the owner asked that this pod not be disrupted. */
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** safe-to-evict: "false" expresses an owner's wish not to be disrupted; sdrain refuses rather than overrule it. */
export const safeToEvictFilter: PodFilter = (pod) =>
  pod.metadata.annotations?.[SAFE_TO_EVICT_ANNOTATION] === 'false'
    ? {
        disposition: 'move',
        severity: 'error',
        code: 'SAFE_TO_EVICT_FALSE',
        message: `Cannot move ${podName(pod)}: it is annotated ${SAFE_TO_EVICT_ANNOTATION}: "false"`,
        hint: 'Ask the owner, then remove the annotation or leave this node out of the maintenance',
      }
    : undefined;

/** karpenter.sh/do-not-disrupt: "true": same wish, Karpenter's spelling. */
export const doNotDisruptFilter: PodFilter = (pod) =>
  pod.metadata.annotations?.[DO_NOT_DISRUPT_ANNOTATION] === 'true'
    ? {
        disposition: 'move',
        severity: 'error',
        code: 'DO_NOT_DISRUPT',
        message: `Cannot move ${podName(pod)}: it is annotated ${DO_NOT_DISRUPT_ANNOTATION}: "true"`,
        hint: 'Ask the owner, then remove the annotation or leave this node out of the maintenance',
      }
    : undefined;
