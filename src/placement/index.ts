/**
 * Placement: kube-scheduler's filters and a deterministic score, shared by the planner and the
 * simulator's scheduler. Pure: no clock, no I/O, no randomness.
 *
 * How to use it:
 * - `buildPlacementState({ nodes, pods, pvcs, pvs, namespaces, storageClasses })` once; read
 *   `state.problems` for invalid quantities (counted as 0) to report as diagnostics.
 * - Pods are identified by `namespace/name` (`podKey`): replacements need distinct names, and a
 *   pod that is re-submitted should go through `withoutNodeName` (NodeName is a filter).
 * - `scheduleOne(state, pod)` only chooses; `state.assign(pod, node)` commits. A `PodContext`
 *   from `preparePod` is valid until the next assign/unassign/setUnschedulable.
 * - A placed pod asked about (`checkPodOnNode`) never conflicts with itself (resources on its own
 *   node, anti-affinity, spread counts, host ports, ReadWriteOncePod claims).
 * - `clone()` per wave is cheap (copy-on-write); the original never sees the clone's changes.
 */
export type { PlacementInput, PredicateFailure, PredicateName, ScheduleResult } from './types.js';
export { PlacementState, buildPlacementState, compareStrings, podClaimNames } from './placement-state.js';
export type { NodeInfo, NamespaceScope, PlacementProblem, Taint } from './placement-state.js';
export { checkPodOnNode, feasibleNodes, scheduleOne, fitErrorMessage, withoutNodeName } from './schedule.js';
export { preparePod, filterNode } from './pod-context.js';
export type { PodContext, FilterOptions } from './pod-context.js';
export { rwoConflict } from './rwo-conflict.js';
export { assumedProvisionable } from './predicates/volumes.js';
export type { RwoConflict } from './rwo-conflict.js';
export { toleratesTaint, tolerationsTolerate, firstUntoleratedTaint } from './predicates/taint-toleration.js';
export { compileNodeSelector, compilePodNodeConstraints } from './node-selector.js';
export type { NodeMatcher, NodeFacts } from './node-selector.js';
