/**
 * NodeName: a pod that names its node (spec.nodeName) fits only there. Replacements of existing
 * pods must be checked without spec.nodeName (see `withoutNodeName`).
 */
import type { Pod } from '../../model/k8s.js';
import type { NodeInfo } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

export function nodeName(pod: Pod, node: NodeInfo): PredicateFailure[] {
  const wanted = pod.spec.nodeName;
  if (!wanted || wanted === node.name) return NO_FAILURES;
  return [{ predicate: 'NodeName', message: "node(s) didn't match the requested node name", unresolvable: true }];
}
