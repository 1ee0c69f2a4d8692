/**
 * The scheduler entry points used by the planner and the simulator's scheduler: check one node,
 * list feasible nodes, or pick a node and explain failures in kube-scheduler's words.
 */
import type { Pod } from '../model/k8s.js';
import { compareStrings, type PlacementState } from './placement-state.js';
import { filterNode, preparePod, type FilterOptions } from './pod-context.js';
import { scheduleCycle } from './scheduler.js';
import type { PredicateFailure, ScheduleResult } from './types.js';

export { fitErrorMessage } from './fit-error.js';

/**
 * Why `pod` cannot go on `nodeName` ([] = it fits). A pod already placed on that node is not
 * counted twice. Throws RangeError on invalid quantities in the pod.
 */
export function checkPodOnNode(state: PlacementState, pod: Pod, nodeName: string, opts: FilterOptions = {}): PredicateFailure[] {
  const node = state.nodeInfo(nodeName);
  if (!node) return [{ predicate: 'NodeName', message: `node "${nodeName}" not found`, unresolvable: true }];
  return filterNode(preparePod(state, pod), node, opts);
}

/** Names of the nodes `pod` fits on, sorted. */
export function feasibleNodes(state: PlacementState, pod: Pod): string[] {
  const ctx = preparePod(state, pod);
  if (ctx.podWide.length > 0) return [];
  const names = ctx.pinned ? [...ctx.pinned].filter((n) => state.nodeInfo(n)).sort(compareStrings) : state.nodeNames();
  return names.filter((n) => filterNode(ctx, state.nodeInfo(n)!).length === 0);
}

/**
 * Picks a node for `pod` like kube-scheduler scoring every feasible node (filters, then the
 * scores in score.ts; lowest name wins ties) without placing it: call `state.assign(pod,
 * result.node)` to commit. For placing pods one after another as kube-scheduler does (with node
 * sampling) use a `Scheduler`. Pods are judged as submitted: strip spec.nodeName from
 * replacements (`withoutNodeName`). Throws RangeError on invalid quantities in the pod.
 */
export function scheduleOne(state: PlacementState, pod: Pod): ScheduleResult {
  return scheduleCycle(state, pod, 0, 100).result;
}

/** A copy of a pod as its controller would submit it again: no node, no status. */
export function withoutNodeName(pod: Pod): Pod {
  const { nodeName: _dropped, ...spec } = pod.spec;
  void _dropped;
  const { status: _status, ...rest } = pod;
  void _status;
  return { ...rest, spec } as Pod;
}
