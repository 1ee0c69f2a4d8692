/**
 * The scheduler entry points used by the planner and the simulator's scheduler: check one node,
 * list feasible nodes, or pick a node and explain failures in kube-scheduler's words.
 */
import type { Pod } from '../model/k8s.js';
import { compareStrings, type NodeInfo, type PlacementState } from './placement-state.js';
import { filterNode, preparePod, type FilterOptions } from './pod-context.js';
import { bestNode } from './score.js';
import type { PredicateFailure, ScheduleResult } from './types.js';

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

/**
 * Picks a node for `pod` like kube-scheduler (filters, then the scores in score.ts; lowest name
 * wins ties) without placing it: call `state.assign(pod, result.node)` to commit. Pods are
 * judged as submitted: strip spec.nodeName from replacements (`withoutNodeName`).
 * Throws RangeError on invalid quantities in the pod.
 */
export function scheduleOne(state: PlacementState, pod: Pod): ScheduleResult {
  const ctx = preparePod(state, pod);
  const total = state.nodeNames().length;
  const failures: Record<string, PredicateFailure[]> = {};
  if (ctx.podWide.length > 0 || total === 0) {
    for (const name of state.nodeNames()) failures[name] = ctx.podWide;
    return { failures, message: fitErrorMessage(total, new Map(), ctx.podWide) };
  }
  const explicit = new Map<string, PredicateFailure[]>();
  const feasible: NodeInfo[] = [];
  // A pinned pod (DaemonSet) is only evaluated on its nodes, as kube-scheduler's PreFilterResult.
  const candidates = ctx.pinned
    ? [...ctx.pinned].filter((n) => state.nodeInfo(n)).sort(compareStrings).map((n) => state.nodeInfo(n)!)
    : state.nodeInfos();
  for (const node of candidates) {
    const name = node.name;
    const f = filterNode(ctx, node);
    if (f.length === 0) {
      feasible.push(node);
      continue;
    }
    failures[name] = f;
    explicit.set(name, f);
  }
  if (feasible.length === 0) return { failures, message: fitErrorMessage(total, explicit, []) };
  const best = feasible.length === 1 ? feasible[0]!.name : bestNode(ctx, feasible);
  return { node: best, failures, message: '' };
}

/** A copy of a pod as its controller would submit it again: no node, no status. */
export function withoutNodeName(pod: Pod): Pod {
  const { nodeName: _dropped, ...spec } = pod.spec;
  void _dropped;
  const { status: _status, ...rest } = pod;
  void _status;
  return { ...rest, spec } as Pod;
}
