/**
 * TaintToleration: a node's NoSchedule and NoExecute taints must all be tolerated. Also the
 * toleration matching rules the other predicates reuse (NodeUnschedulable, PodTopologySpread).
 */
import type { V1Toleration } from '@kubernetes/client-node';
import type { Pod } from '../../model/k8s.js';
import type { NodeInfo, Taint } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

/**
 * One toleration against one taint (core/v1 Toleration.ToleratesTaint): an empty effect matches
 * every effect, an empty key with operator Exists matches every taint, Equal (or no operator)
 * compares values, Exists ignores them.
 */
export function toleratesTaint(toleration: V1Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Some toleration in the list tolerates the taint. */
export function tolerationsTolerate(tolerations: readonly V1Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first NoSchedule/NoExecute taint the tolerations do not tolerate. */
export function firstUntoleratedTaint(tolerations: readonly V1Toleration[] | undefined, taints: readonly Taint[]): Taint | undefined {
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationsTolerate(tolerations, t));
}

export const UNTOLERATED_TAINT = "node(s) had untolerated taint(s)";

/** The filter, worded like kube-scheduler 1.35. */
export function taintToleration(pod: Pod, node: NodeInfo): PredicateFailure[] {
  if (node.taints.length === 0) return NO_FAILURES;
  const taint = firstUntoleratedTaint(pod.spec.tolerations, node.taints);
  return taint ? [{ predicate: 'TaintToleration', message: UNTOLERATED_TAINT, unresolvable: true }] : NO_FAILURES;
}

/** PreferNoSchedule taints the pod does not tolerate (for scoring). */
export function intolerablePreferNoSchedule(pod: Pod, node: NodeInfo): number {
  const tolerations = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return node.taints.filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerate(tolerations, t)).length;
}
