/**
 * Placement: kube-scheduler's filters and a deterministic score, shared by the planner and the
 * simulator's scheduler. Pure: no clock, no I/O, no randomness.
 *
 * How to use it:
 * - `buildPlacementState({ nodes, pods, pvcs, pvs, namespaces, storageClasses })` once; read
 *   `state.problems` for invalid quantities (counted as 0) to report as diagnostics.
 * - Pods are identified by `namespace/name` (`podKey`): replacements need distinct names, and a
 *   pod that is re-submitted should go through `withoutNodeName` (NodeName is a filter).
 * - A `Scheduler` places pods one after another as kube-scheduler does (node sampling with a
 *   rotating start; the planner and the simulator each keep one). `scheduler.schedule(state, pod)`
 *   and `scheduleOne(state, pod)` (every node scored) only choose; `state.assign(pod, node)`
 *   commits. A `PodContext`
 *   from `preparePod` is valid until the next assign/unassign/setUnschedulable.
 * - A placed pod asked about (`checkPodOnNode`) never conflicts with itself (resources on its own
 *   node, anti-affinity, spread counts, host ports, ReadWriteOncePod claims).
 * - Built with `{ journal }`, assign/unassign/setUnschedulable (and a Scheduler's rotation on
 *   that state) record their undo in the UndoJournal: `journal.rollback()` undoes a tried wave.
 */
export type { PlacementInput, PredicateFailure, PredicateName, ScheduleResult } from './types.js';
export { PlacementState, buildPlacementState, compareStrings, podClaimNames } from './placement-state.js';
export type { NodeInfo, NamespaceScope, PlacementProblem, Taint } from './placement-state.js';
export { checkPodOnNode, feasibleNodes, scheduleOne, fitErrorMessage, withoutNodeName } from './schedule.js';
export { Scheduler, numFeasibleNodesToFind } from './scheduler.js';
export type { SchedulerOptions } from './scheduler.js';
export { UndoJournal } from './undo-journal.js';
export { preparePod, filterNode } from './pod-context.js';
export type { PodContext, FilterOptions } from './pod-context.js';
export { isSingleNodeClaim, rwoConflict } from './rwo-conflict.js';
export { assumedProvisionable } from './predicates/volumes.js';
export type { RwoConflict } from './rwo-conflict.js';
export { toleratesTaint, tolerationsTolerate, firstUntoleratedTaint } from './predicates/taint-toleration.js';
export { compileNodeSelector, compilePodNodeConstraints } from './node-selector.js';
export type { NodeMatcher, NodeFacts } from './node-selector.js';
