/** kube-scheduler's summary of why no node fits a pod. */
import { compareStrings } from './compare-strings.js';
import type { PredicateFailure } from './types.js';

/**
 * kube-scheduler's FitError text: "0/3 nodes are available: 1 node(s) were unschedulable,
 * 2 Insufficient cpu." — reasons counted per node, sorted as strings; a pod-wide failure is
 * reported once instead. Nodes excluded up front (pinned pods) are not counted, as upstream.
 */
export function fitErrorMessage(totalNodes: number, perNode: ReadonlyMap<string, PredicateFailure[]>, podWide: PredicateFailure[]): string {
  if (totalNodes === 0) return 'no nodes available to schedule pods';
  const head = `0/${totalNodes} nodes are available:`;
  if (podWide.length > 0) return `${head} ${podWide[0]!.message}.`;
  const histogram = new Map<string, number>();
  for (const failures of perNode.values()) {
    for (const f of failures) histogram.set(f.message, (histogram.get(f.message) ?? 0) + 1);
  }
  const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort(compareStrings);
  return parts.length === 0 ? head : `${head} ${parts.join(', ')}.`;
}
