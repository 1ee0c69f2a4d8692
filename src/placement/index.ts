/**
 * Placement: kube-scheduler's filters and a deterministic score, shared by the planner and the
 * simulator's scheduler. Pure: no clock, no I/O, no randomness.
 */
export type { PlacementInput, PredicateFailure, PredicateName, ScheduleResult } from './types.js';
export { PlacementState, buildPlacementState, compareStrings, podClaimNames } from './placement-state.js';
export type { NodeInfo, NamespaceScope, PlacementProblem, Taint } from './placement-state.js';
export { checkPodOnNode, feasibleNodes, scheduleOne, fitErrorMessage, withoutNodeName } from './schedule.js';
export { preparePod, filterNode } from './pod-context.js';
export type { PodContext, FilterOptions } from './pod-context.js';
export { rwoConflict } from './rwo-conflict.js';
export type { RwoConflict } from './rwo-conflict.js';
export { toleratesTaint, tolerationsTolerate, firstUntoleratedTaint } from './predicates/taint-toleration.js';
export { compileNodeSelector, compilePodNodeConstraints } from './node-selector.js';
export type { NodeMatcher, NodeFacts } from './node-selector.js';
