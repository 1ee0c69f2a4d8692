/** NodeUnschedulable: cordoned nodes take only pods that tolerate node.kubernetes.io/unschedulable:NoSchedule. */
import type { Pod } from '../../model/k8s.js';
import type { NodeInfo } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';
import { tolerationsTolerate } from './taint-toleration.js';

export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';

export function nodeUnschedulable(pod: Pod, node: NodeInfo): PredicateFailure[] {
  if (!node.unschedulable) return NO_FAILURES;
  if (tolerationsTolerate(pod.spec.tolerations, { key: UNSCHEDULABLE_TAINT_KEY, effect: 'NoSchedule' })) return NO_FAILURES;
  return [{ predicate: 'NodeUnschedulable', message: 'node(s) were unschedulable', unresolvable: true }];
}
