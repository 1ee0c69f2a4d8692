/**
 * The scheduler the planner and the simulator both run: kube-scheduler's scheduling cycle over a
 * PlacementState. It does not score every node of a large cluster: like upstream's
 * findNodesThatPassFilters it filters nodes from a rotating start index until it has found
 * numFeasibleNodesToFind of them (percentageOfNodesToScore, adaptive by default: 50% − nodes/125,
 * at least 5%, at least 100 nodes), scores only those, and moves the start index on by the
 * number of nodes it examined. The rotation is the scheduler's only state; on a journaled
 * PlacementState (the planner's what-if waves) each move of it is recorded in the state's undo
 * journal, so rolling a wave back restores it too. Deterministic: no randomness, ties by name.
 */
import type { Pod } from '../model/k8s.js';
import type { NodeInfo } from './node-info.js';
import { filterNode, preparePod } from './pod-context.js';
import type { PlacementState } from './placement-state.js';
import { compareStrings } from './compare-strings.js';
import { fitErrorMessage } from './fit-error.js';
import { bestNode } from './score.js';
import type { PredicateFailure, ScheduleResult } from './types.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/**
 * kube-scheduler's numFeasibleNodesToFind: every node below 100; otherwise `percentage` of them
 * (0 = adaptive), at least 100.
 */
export function numFeasibleNodesToFind(nodes: number, percentage = 0): number {
  if (nodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return nodes;
  const pct = percentage > 0 ? percentage : Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.floor(nodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((nodes * pct) / 100));
}

/** One scheduling cycle's outcome and how many nodes it examined. */
interface Cycle {
  result: ScheduleResult;
  processed: number;
}

/**
 * One scheduling cycle from `start` (an index into the candidate nodes, taken modulo their
 * number). Filters stop once `numFeasibleNodesToFind(candidates, percentage)` nodes fit; when a
 * node is found `failures` lists only the nodes examined (built when first read), when none is,
 * every candidate was examined and the message counts them all.
 */
export function scheduleCycle(state: PlacementState, pod: Pod, start: number, percentage: number): Cycle {
  const ctx = preparePod(state, pod);
  const total = state.nodeNames().length;
  if (ctx.podWide.length > 0 || total === 0) {
    const failures: Record<string, PredicateFailure[]> = {};
    for (const name of state.nodeNames()) failures[name] = ctx.podWide;
    return { result: { failures, message: fitErrorMessage(total, new Map(), ctx.podWide) }, processed: 0 };
  }
  // A pinned pod (DaemonSet) is only evaluated on its nodes, as kube-scheduler's PreFilterResult.
  const candidates: readonly NodeInfo[] = ctx.pinned
    ? [...ctx.pinned].filter((n) => state.nodeInfo(n)).sort(compareStrings).map((n) => state.nodeInfo(n)!)
    : state.nodeInfos();
  const n = candidates.length;
  const want = numFeasibleNodesToFind(n, percentage);
  const feasible: NodeInfo[] = [];
  const rejected: NodeInfo[] = [];
  const reasons: PredicateFailure[][] = [];
  let processed = 0;
  let at = n === 0 ? 0 : start % n;
  while (processed < n && feasible.length < want) {
    const info = candidates[at]!;
    processed++;
    at = at + 1 === n ? 0 : at + 1;
    const f = filterNode(ctx, info);
    if (f.length === 0) feasible.push(info);
    else {
      rejected.push(info);
      reasons.push(f);
    }
  }
  if (feasible.length === 0) {
    // Every candidate was examined: report them in name order, as a full pass would.
    const order = rejected.map((info, i) => i).sort((a, b) => compareStrings(rejected[a]!.name, rejected[b]!.name));
    const failures: Record<string, PredicateFailure[]> = {};
    const explicit = new Map<string, PredicateFailure[]>();
    for (const i of order) {
      failures[rejected[i]!.name] = reasons[i]!;
      explicit.set(rejected[i]!.name, reasons[i]!);
    }
    return { result: { failures, message: fitErrorMessage(total, explicit, []) }, processed };
  }
  const best = feasible.length === 1 ? feasible[0]!.name : bestNode(ctx, feasible);
  // The planner never reads `failures` of a placed pod; a record keyed by thousands of node
  // names is slow to build, so it is built on first read.
  let failures: ScheduleResult['failures'] | undefined;
  const result: ScheduleResult = {
    node: best,
    get failures(): ScheduleResult['failures'] {
      if (failures === undefined) {
        failures = {};
        for (let i = 0; i < rejected.length; i++) failures[rejected[i]!.name] = reasons[i]!;
      }
      return failures;
    },
    message: '',
  };
  return { result, processed };
}

export interface SchedulerOptions {
  /** kube-scheduler's percentageOfNodesToScore: 0 (the default) = adaptive, 100 = every node. */
  percentageOfNodesToScore?: number;
}

/** kube-scheduler's scheduling loop state: the node-sampling rotation (see the file comment). */
export class Scheduler {
  private nextStartNodeIndex = 0;
  private readonly percentage: number;
  /** Nodes run through the filters so far (for tests and tuning). */
  nodesExamined = 0;

  constructor(opts: SchedulerOptions = {}) {
    this.percentage = opts.percentageOfNodesToScore ?? 0;
  }

  /**
   * Picks a node for `pod` without placing it (`state.assign(pod, result.node)` commits). Pods
   * are judged as submitted: strip spec.nodeName from replacements (`withoutNodeName`). Throws
   * RangeError on invalid quantities in the pod.
   */
  schedule(state: PlacementState, pod: Pod): ScheduleResult {
    const { result, processed } = scheduleCycle(state, pod, this.nextStartNodeIndex, this.percentage);
    this.nodesExamined += processed;
    const total = state.nodeNames().length;
    if (processed > 0 && total > 0) {
      const prev = this.nextStartNodeIndex;
      const next = (prev + processed) % total;
      if (next !== prev) {
        this.nextStartNodeIndex = next;
        state.journal?.record(() => {
          this.nextStartNodeIndex = prev;
        });
      }
    }
    return result;
  }
}
