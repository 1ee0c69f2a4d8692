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
import { nodeConstraintsSignature, type NodeMatcher } from '../node-selector.js';
import type { NodeInfo, PlacementState } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';
import { firstUntoleratedTaint } from './taint-toleration.js';

export const SPREAD_MISMATCH = "node(s) didn't match pod topology spread constraints";
export const SPREAD_MISSING_LABEL = `${SPREAD_MISMATCH} (missing required label)`;

export interface SpreadCount {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  selector: Selector | undefined;
  selfMatch: boolean;
  /** Matching pods per eligible domain value; domains without matching pods are absent (0). */
  counts: Map<string, number>;
  /** Number of eligible domains (those with a count and those without). */
  domains: number;
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

/** The eligible nodes of one constraint and how many domains they form. */
interface Eligible {
  nodes: ReadonlySet<string>;
  domains: number;
}

/** Per constraint, the nodes eligible to count (see the file comment) and their domains. */
function eligibleNodes(state: PlacementState, pod: Pod, given: readonly V1TopologySpreadConstraint[], nodeConstraints: NodeMatcher): Eligible[] {
  const keys = given.map((c) => c.topologyKey);
  const nodes = given.map(() => new Set<string>());
  const values = given.map(() => new Set<string>());
  for (const node of state.nodeInfos()) {
    const name = node.name;
    if (!keys.every((k) => k in node.labels)) continue;
    given.forEach((c, i) => {
      if ((c.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !nodeConstraints(node)) return;
      if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(pod.spec.tolerations, node.taints)) return;
      nodes[i]!.add(name);
      values[i]!.add(node.labels[c.topologyKey]!);
    });
  }
  return given.map((_, i) => ({ nodes: nodes[i]!, domains: values[i]!.size }));
}

/**
 * `eligibleNodes`, cached on the state per (constraints' keys and policies, node constraints,
 * tolerations when a policy honours taints) until a node changes: it depends on nothing else,
 * and recomputing it walks every node for every pod.
 */
function cachedEligibleNodes(state: PlacementState, pod: Pod, given: readonly V1TopologySpreadConstraint[], nodeConstraints: NodeMatcher): Eligible[] {
  const nodeSig = nodeConstraintsSignature(nodeConstraints);
  if (nodeSig === undefined) return eligibleNodes(state, pod, given, nodeConstraints);
  const honorTaints = given.some((c) => c.nodeTaintsPolicy === 'Honor');
  const key = JSON.stringify([
    'spread',
    given.map((c) => [c.topologyKey, (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', c.nodeTaintsPolicy === 'Honor']),
    nodeSig,
    honorTaints ? (pod.spec.tolerations ?? null) : null,
  ]);
  return state.nodeDerived(key, () => eligibleNodes(state, pod, given, nodeConstraints));
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
  const eligible = cachedEligibleNodes(state, pod, given, nodeConstraints);

  return given.map((c, i) => {
    let selector = fromLabelSelector(c.labelSelector);
    if (selector) {
      const extra: Selector = [];
      for (const k of c.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
      if (extra.length > 0) selector = [...selector, ...extra];
    }
    const { nodes, domains } = eligible[i]!;
    const counts = new Map<string, number>();
    if (selector) {
      for (const other of state.candidatePods({ names: new Set([ns]) }, selector)) {
        const key = podKeyOf(other);
        if (key === self || isTerminating(other) || !matches(selector, other.metadata.labels)) continue;
        const nodeName = state.nodeOf(key)!;
        if (!nodes.has(nodeName)) continue;
        const value = state.nodeInfo(nodeName)!.labels[c.topologyKey]!;
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    const minDomains = c.minDomains ?? 1;
    let minMatch: number;
    if (domains < minDomains || counts.size < domains) minMatch = 0;
    else {
      minMatch = Infinity;
      for (const n of counts.values()) minMatch = Math.min(minMatch, n);
    }
    return {
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      minDomains,
      selector,
      selfMatch: selector !== undefined && matches(selector, labels),
      counts,
      domains,
      minMatch,
    };
  });
}

export function topologySpread(s: SpreadState | undefined, node: NodeInfo): PredicateFailure[] {
  if (!s) return NO_FAILURES;
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
  return NO_FAILURES;
}
