/**
 * Pods of a workload that reached a wave's nodes after planning. A plan drains nodes one wave at
 * a time and leaves later waves' nodes schedulable, so replacements started in wave 1 can land on
 * a node drained in wave 2 — the planner expects this and says so in the action's reason
 * ("N pod(s) placed here by an earlier wave"), but it cannot know their names. At the start of a
 * move apply adds the workload's pods it finds on the wave's nodes, with the UIDs seen then, so
 * the method moves them like the planned ones (and still checks each UID before acting).
 */
import { controllerOf, isDaemonSetPod, isMirrorPod, isTerminal, isTerminating } from '../kube/pod.js';
import { labelSelectorMatches } from '../kube/selector.js';
import type { Pod } from '../model/k8s.js';
import type { Action } from '../model/plan.js';
import type { Workload } from './action-context.js';

function belongsTo(pod: Pod, action: Action, workload: Workload): boolean {
  if ((pod.metadata.namespace ?? 'default') !== (action.workload.namespace ?? 'default')) return false;
  const owner = controllerOf(pod);
  if (!owner) return false;
  if (action.workload.kind === 'StatefulSet') return owner.kind === 'StatefulSet' && owner.name === action.workload.name;
  return owner.kind === 'ReplicaSet' && labelSelectorMatches(workload.spec.selector, pod.metadata.labels);
}

/** The action with the workload's unplanned pods on the wave's nodes appended (sorted by name). */
export function withArrivedPods(action: Action, workload: Workload | undefined, podsOnNodes: Pod[]): Action {
  if (!workload || (action.workload.kind !== 'Deployment' && action.workload.kind !== 'StatefulSet')) return action;
  const known = new Set(action.podUids);
  const arrived = podsOnNodes
    .filter((p) => !known.has(p.metadata.uid ?? '') && !isDaemonSetPod(p) && !isMirrorPod(p) && !isTerminal(p) && !isTerminating(p) && belongsTo(p, action, workload))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  if (arrived.length === 0) return action;
  return {
    ...action,
    pods: [...action.pods, ...arrived.map((p) => p.metadata.name)],
    podUids: [...action.podUids, ...arrived.map((p) => p.metadata.uid ?? '')],
  };
}
