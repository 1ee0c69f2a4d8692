/** NodeAffinity: spec.nodeSelector and required node affinity must match the node's labels (and name). */
import type { NodeInfo } from '../placement-state.js';
import type { NodeMatcher } from '../node-selector.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

export const NODE_AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

export function nodeAffinity(constraints: NodeMatcher, node: NodeInfo): PredicateFailure[] {
  return constraints(node) ? NO_FAILURES : [{ predicate: 'NodeAffinity', message: NODE_AFFINITY_MISMATCH, unresolvable: true }];
}
