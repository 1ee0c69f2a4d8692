/** NodeResourcesFit: the pod's requests must fit in the node's allocatable minus what placed pods request. */
import { fitsResources, insufficientResources, subtractResources, type Resources } from '../../kube/resources.js';
import type { NodeInfo } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

/**
 * `alreadyHere` is the request of the same pod when it is itself placed on this node (it must not
 * count twice when checking whether it could stay).
 */
export function nodeResourcesFit(request: Resources, node: NodeInfo, alreadyHere?: Resources): PredicateFailure[] {
  const requested = alreadyHere ? subtractResources(node.requested, alreadyHere) : node.requested;
  // Most nodes fit: answer those without building the list.
  if (fitsResources(request, requested, node.allocatable)) return NO_FAILURES;
  return insufficientResources(request, requested, node.allocatable).map((name) => ({
    predicate: 'NodeResourcesFit' as const,
    message: name === 'pods' ? 'Too many pods' : `Insufficient ${name}`,
  }));
}
