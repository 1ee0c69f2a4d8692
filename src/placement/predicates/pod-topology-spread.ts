/**
 * PodTopologySpread (filter part): for each DoNotSchedule constraint, placing the pod in the
 * node's domain must keep `matching pods in domain + self − global minimum ≤ maxSkew`. Domains
 * are the values of the topology key on eligible nodes: nodes that carry every constraint's key,
 * match the pod's required node affinity (nodeAffinityPolicy Honor, the default) and — only with
 * nodeTaintsPolicy Honor — whose taints the pod tolerates. Terminating pods and pods of other
 * namespaces are not counted. Fewer domains than minDomains make the global minimum 0.
 */
import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { Pod } from '../../model/k8s.js';
import { isTerminating, podKeyOf } from '../../kube/pod.js';
import { fromLabelSelector, matches, type Selector } from '../../kube/selector.js';
import type { NodeMatcher } from '../node-selector.js';
import type { NodeInfo, PlacementState } from '../placement-state.js';
import type { PredicateFailure } from '../types.js';
import { firstUntoleratedTaint } from './taint-toleration.js';

export const SPREAD_MISMATCH = "node(s) didn't match pod topology spread constraints";
export const SPREAD_MISSING_LABEL = `${SPREAD_MISMATCH} (missing required label)`;

export interface SpreadCount {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  selector: Selector | undefined;
  selfMatch: boolean;
  /** Matching pods per domain value; every eligible domain is present (possibly 0). */
  counts: Map<string, number>;
  minMatch: number;
}

export interface SpreadState {
  constraints: SpreadCount[];
}

/** Undefined when the pod has no DoNotSchedule constraint. */
export function prepareTopologySpread(state: PlacementState, pod: Pod, nodeConstraints: NodeMatcher): SpreadState | undefined {
  const hard = (pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  if (hard.length === 0) return undefined;
  return { constraints: countSpread(state, pod, hard, nodeConstraints) };
}

/**
 * Counts, per constraint, the pods its selector matches in each eligible topology domain (see
 * the file comment for eligibility). Shared by the filter and the ScheduleAnyway score.
 */
export function countSpread(
  state: PlacementState,
  pod: Pod,
  given: readonly V1TopologySpreadConstraint[],
  nodeConstraints: NodeMatcher,
): SpreadCount[] {
  const ns = pod.metadata.namespace ?? 'default';
  const labels = pod.metadata.labels ?? {};
  const self = podKeyOf(pod);
  const keys = given.map((c) => c.topologyKey);

  const constraints: SpreadCount[] = [];
  const eligible: Set<string>[] = [];
  for (const c of given) {
    let selector = fromLabelSelector(c.labelSelector);
    if (selector) {
      const extra: Selector = [];
      for (const k of c.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
      if (extra.length > 0) selector = [...selector, ...extra];
    }
    constraints.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      minDomains: c.minDomains ?? 1,
      selector,
      selfMatch: selector !== undefined && matches(selector, labels),
      counts: new Map(),
      minMatch: 0,
    });
    eligible.push(new Set());
  }

  for (const name of state.nodeNames()) {
    const node = state.nodeInfo(name)!;
    if (!keys.every((k) => k in node.labels)) continue;
    given.forEach((c, i) => {
      if ((c.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !nodeConstraints(node)) return;
      if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(pod.spec.tolerations, node.taints)) return;
      eligible[i]!.add(name);
      const value = node.labels[c.topologyKey]!;
      const ct = constraints[i]!;
      if (!ct.counts.has(value)) ct.counts.set(value, 0);
    });
  }

  constraints.forEach((ct, i) => {
    if (ct.selector) {
      for (const other of state.candidatePods({ names: new Set([ns]) }, ct.selector)) {
        const key = podKeyOf(other);
        if (key === self || isTerminating(other) || !matches(ct.selector, other.metadata.labels)) continue;
        const nodeName = state.nodeOf(key)!;
        if (!eligible[i]!.has(nodeName)) continue;
        const value = state.nodeInfo(nodeName)!.labels[ct.topologyKey]!;
        ct.counts.set(value, (ct.counts.get(value) ?? 0) + 1);
      }
    }
    let min = Infinity;
    for (const n of ct.counts.values()) min = Math.min(min, n);
    ct.minMatch = ct.counts.size < ct.minDomains ? 0 : min;
  });
  return constraints;
}

export function topologySpread(s: SpreadState | undefined, node: NodeInfo): PredicateFailure[] {
  if (!s) return [];
  for (const c of s.constraints) {
    if (!(c.topologyKey in node.labels)) {
      return [{ predicate: 'PodTopologySpread', message: SPREAD_MISSING_LABEL, unresolvable: true }];
    }
  }
  for (const c of s.constraints) {
    const matchNum = c.counts.get(node.labels[c.topologyKey]!) ?? 0;
    const skew = matchNum + (c.selfMatch ? 1 : 0) - c.minMatch;
    if (skew > c.maxSkew) return [{ predicate: 'PodTopologySpread', message: SPREAD_MISMATCH }];
  }
  return [];
}
