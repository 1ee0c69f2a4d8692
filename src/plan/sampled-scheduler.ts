/**
 * kube-scheduler does not score every node of a large cluster: it filters nodes from a rotating
 * start index until it has found numFeasibleNodesToFind of them (percentageOfNodesToScore,
 * adaptive: 50% − nodes/125, at least 5%, at least 100 nodes) and scores only those. The planner
 * does the same, with the shared filters and scores, so 5,000-node plans stay fast; below 100
 * nodes it is exactly the shared scheduleOne. Deterministic: the rotation is part of the plan's
 * sequence, not random.
 */
import type { Pod } from '../model/k8s.js';
import type { NodeInfo, PlacementState } from '../placement/placement-state.js';
import { filterNode, preparePod } from '../placement/pod-context.js';
import { scheduleOne } from '../placement/schedule.js';
import { bestNode } from '../placement/score.js';
import type { PredicateFailure, ScheduleResult } from '../placement/types.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** kube-scheduler's numFeasibleNodesToFind with the default (adaptive) percentageOfNodesToScore. */
export function numFeasibleNodesToFind(nodes: number): number {
  if (nodes < MIN_FEASIBLE_NODES_TO_FIND) return nodes;
  const pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.floor(nodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((nodes * pct) / 100));
}

export class SampledScheduler {
  private next = 0;
  /** Nodes run through the filters so far (for tests and tuning). */
  nodesExamined = 0;

  /** Like scheduleOne; when a node is found, `failures` lists only the nodes examined. */
  schedule(state: PlacementState, pod: Pod): ScheduleResult {
    const infos = state.nodeInfos();
    const n = infos.length;
    if (n < MIN_FEASIBLE_NODES_TO_FIND) {
      this.nodesExamined += n;
      return scheduleOne(state, pod);
    }
    const ctx = preparePod(state, pod);
    if (ctx.podWide.length > 0) return scheduleOne(state, pod);
    const want = numFeasibleNodesToFind(n);
    const start = this.next % n;
    const feasible: NodeInfo[] = [];
    // Rejected nodes and their failures, turned into the `failures` record only when read (the
    // planner never reads it; a record with thousands of node-name keys is slow to build).
    const rejected: NodeInfo[] = [];
    const reasons: PredicateFailure[][] = [];
    let processed = 0;
    let at = start;
    while (processed < n && feasible.length < want) {
      const info = infos[at]!;
      processed++;
      at = at + 1 === n ? 0 : at + 1;
      const f = filterNode(ctx, info);
      if (f.length === 0) feasible.push(info);
      else {
        rejected.push(info);
        reasons.push(f);
      }
    }
    this.next = (start + processed) % n;
    this.nodesExamined += processed;
    // No node fits: every node was examined; let scheduleOne word the message exactly.
    if (feasible.length === 0) return scheduleOne(state, pod);
    const best = feasible.length === 1 ? feasible[0]!.name : bestNode(ctx, feasible);
    let failures: ScheduleResult['failures'] | undefined;
    return {
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
  }
}
