/**
 * Node scoring for the nodes that pass the filters: kube-scheduler's default score plugins with
 * their default weights — NodeResourcesFit LeastAllocated (1), NodeResourcesBalancedAllocation
 * (1), TaintToleration PreferNoSchedule (3), preferred NodeAffinity (2), PodTopologySpread
 * ScheduleAnyway and system-default spreading (2), and the incoming pod's preferred inter-pod
 * (anti-)affinity (2). Not scored: ImageLocality, and placed pods' preferred terms toward the
 * incoming pod. System-default spreading selects the pod's siblings by its own labels (minus
 * per-pod ones) where kube-scheduler uses the selectors of Services and controllers.
 * kube-scheduler breaks ties at random; here the lowest node name wins, so the planner and the
 * simulator agree.
 */
import type { V1Toleration, V1TopologySpreadConstraint, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import type { Pod } from '../model/k8s.js';
import { controllerOf, podKeyOf } from '../kube/pod.js';
import type { Resources } from '../kube/resources.js';
import { compileTerm, namespaceLabels, termMatches, termScope } from './affinity-term.js';
import { compileNodeSelectorTerm } from './node-selector.js';
import type { NodeInfo, PlacementState } from './placement-state.js';
import type { PodContext } from './pod-context.js';
import { countSpread } from './predicates/pod-topology-spread.js';
import { tolerationsTolerate } from './predicates/taint-toleration.js';

const MAX = 100;

function leastAllocated(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return Math.floor(((allocatable - requested) * MAX) / allocatable);
}

function leastAllocatedScore(ctx: PodContext, node: NodeInfo): number {
  const cpu = leastAllocated(node.nonZeroRequested.cpuMilli + ctx.nonZeroRequest.cpuMilli, node.allocatable.cpuMilli);
  const mem = leastAllocated(node.nonZeroRequested.memory + ctx.nonZeroRequest.memory, node.allocatable.memory);
  return Math.floor((cpu + mem) / 2);
}

function fraction(requested: number, allocatable: number): number {
  if (allocatable <= 0) return 1;
  return Math.min(1, requested / allocatable);
}

function balancedScore(request: Resources, node: NodeInfo): number {
  const cpu = fraction(node.requested.cpuMilli + request.cpuMilli, node.allocatable.cpuMilli);
  const mem = fraction(node.requested.memory + request.memory, node.allocatable.memory);
  const std = Math.abs(cpu - mem) / 2;
  return Math.floor((1 - std) * MAX);
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
/** Labels that differ between replicas of one controller, left out of system-default spreading. */
const PER_POD_LABELS = new Set(['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'controller-revision-hash']);

/** Soft spread constraints: the pod's ScheduleAnyway ones, or the system defaults for controller pods. */
function softSpread(pod: Pod): { constraints: V1TopologySpreadConstraint[]; systemDefault: boolean } {
  const given = pod.spec.topologySpreadConstraints ?? [];
  if (given.length > 0) return { constraints: given.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway'), systemDefault: false };
  const owner = controllerOf(pod)?.kind;
  if (owner !== 'ReplicaSet' && owner !== 'StatefulSet' && owner !== 'ReplicationController') return { constraints: [], systemDefault: true };
  const matchLabels = Object.fromEntries(Object.entries(pod.metadata.labels ?? {}).filter(([k]) => !PER_POD_LABELS.has(k)));
  if (Object.keys(matchLabels).length === 0) return { constraints: [], systemDefault: true };
  return {
    systemDefault: true,
    constraints: [
      { maxSkew: 3, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
      { maxSkew: 5, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
    ],
  };
}

/**
 * PodTopologySpread's score, normalised: fewer matching pods in the node's domains is better.
 * Nodes lacking a topology key are ignored (score 0) unless the constraints are system defaults.
 */
function spreadScores(ctx: PodContext, nodes: readonly NodeInfo[]): number[] {
  const { constraints, systemDefault } = softSpread(ctx.pod);
  if (constraints.length === 0) return nodes.map(() => 0);
  const counted = systemDefault
    ? constraints.map((c) => countSpread(ctx.state, ctx.pod, [c], ctx.nodeConstraints)[0]!)
    : countSpread(ctx.state, ctx.pod, constraints, ctx.nodeConstraints);
  // Per constraint once, not per node. kube-scheduler weighs each constraint by the number of
  // its domains among the nodes being scored (those that passed the filters), not among all
  // eligible nodes: a cordoned or full node in the count changes the weight, and with
  // maxSkew > 1 (system defaults) the normalised scores.
  const scored = systemDefault ? nodes : nodes.filter((n) => counted.every((c) => c.topologyKey in n.labels));
  const logs = counted.map((c) => {
    if (c.topologyKey === HOSTNAME) return Math.log(scored.length + 2);
    const values = new Set<string>();
    for (const n of scored) values.add(n.labels[c.topologyKey] ?? '');
    return Math.log(values.size + 2);
  });
  const raw = nodes.map((n) => {
    const labels = n.labels;
    if (!systemDefault) {
      for (const c of counted) if (!(c.topologyKey in labels)) return undefined;
    }
    let score = 0;
    for (let j = 0; j < counted.length; j++) {
      const c = counted[j]!;
      const v = labels[c.topologyKey];
      if (v === undefined) continue;
      score += (c.counts.get(v) ?? 0) * logs[j]! + (c.maxSkew - 1);
    }
    return Math.round(score);
  });
  let min = Infinity;
  let max = 0;
  for (const r of raw) {
    if (r === undefined) continue;
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  return raw.map((r) => (r === undefined ? 0 : max === 0 ? MAX : Math.floor((MAX * (max + min - r)) / max)));
}

/** The incoming pod's preferred pod affinity (+weight) and anti-affinity (−weight) per domain, normalised. */
function interPodScores(ctx: PodContext, nodes: readonly NodeInfo[]): number[] {
  const aff = ctx.pod.spec.affinity;
  const terms: [V1WeightedPodAffinityTerm, 1 | -1][] = [
    ...(aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t): [V1WeightedPodAffinityTerm, 1 | -1] => [t, 1]),
    ...(aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t): [V1WeightedPodAffinityTerm, 1 | -1] => [t, -1]),
  ];
  if (terms.length === 0) return nodes.map(() => 0);
  // Weight per topology key, then per domain value.
  const byPair = new Map<string, Map<string, number>>();
  const state: PlacementState = ctx.state;
  for (const [weighted, sign] of terms) {
    const term = compileTerm(weighted.podAffinityTerm, ctx.pod);
    if (!term.selector) continue;
    for (const other of state.candidatePods(termScope(term, state), term.selector)) {
      const key = podKeyOf(other);
      if (key === ctx.key || !termMatches(term, other, namespaceLabels(state, other.metadata.namespace))) continue;
      const v = state.nodeInfo(state.nodeOf(key)!)!.labels[term.topologyKey];
      if (v === undefined) continue;
      let values = byPair.get(term.topologyKey);
      if (!values) byPair.set(term.topologyKey, (values = new Map()));
      values.set(v, (values.get(v) ?? 0) + sign * weighted.weight);
    }
  }
  const pairs = [...byPair];
  const raw = nodes.map((n) => {
    let score = 0;
    for (const [k, values] of pairs) {
      if (Object.prototype.hasOwnProperty.call(n.labels, k)) score += values.get(n.labels[k]!) ?? 0;
    }
    return score;
  });
  const min = raw.reduce((a, b) => Math.min(a, b), Infinity);
  const diff = raw.reduce((a, b) => Math.max(a, b), -Infinity) - min;
  return raw.map((r) => (diff > 0 ? Math.floor((MAX * (r - min)) / diff) : 0));
}

/** Scores feasible nodes; returns node names with total scores, best first (ties by name). */
export function scoreNodes(ctx: PodContext, nodes: readonly NodeInfo[]): { node: string; score: number }[] {
  const totals = totalScores(ctx, nodes);
  const scored = nodes.map((n, i) => ({ node: n.name, score: totals[i]! }));
  scored.sort((a, b) => b.score - a.score || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return scored;
}

/** The first of `scoreNodes` (highest score, lowest name among equals) without sorting them all. */
export function bestNode(ctx: PodContext, nodes: readonly NodeInfo[]): string {
  const totals = totalScores(ctx, nodes);
  let best = 0;
  let bestScore = totals[0]!;
  let bestName = nodes[0]!.name;
  for (let i = 1; i < nodes.length; i++) {
    const score = totals[i]!;
    const name = nodes[i]!.name;
    if (score > bestScore || (score === bestScore && name < bestName)) {
      best = i;
      bestScore = score;
      bestName = name;
    }
  }
  return nodes[best]!.name;
}

/** The PreferNoSchedule taints of `node` that `tolerations` (already narrowed to those effects) do not tolerate. */
function intolerablePreferNoScheduleCount(tolerations: readonly V1Toleration[], node: NodeInfo): number {
  let count = 0;
  for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerate(tolerations, t)) count++;
  return count;
}

/** Each node's total score, in `nodes` order. */
function totalScores(ctx: PodContext, nodes: readonly NodeInfo[]): number[] {
  const preferred = (ctx.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p) => ({
    weight: p.weight,
    match: compileNodeSelectorTerm(p.preference),
  }));
  // intolerablePreferNoSchedule, with the pod's tolerations narrowed once rather than per node.
  const tolerations = (ctx.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  const taintCounts = nodes.map((n) => (n.taints.length === 0 ? 0 : intolerablePreferNoScheduleCount(tolerations, n)));
  const maxTaints = taintCounts.reduce((a, b) => Math.max(a, b), 0);
  const affinityRaw = preferred.length === 0 ? undefined : nodes.map((n) => preferred.reduce((sum, p) => (p.match && p.match(n) ? sum + p.weight : sum), 0));
  const maxAffinity = affinityRaw === undefined ? 0 : affinityRaw.reduce((a, b) => Math.max(a, b), 0);
  const spread = spreadScores(ctx, nodes);
  const interPod = interPodScores(ctx, nodes);
  const out: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const taint = maxTaints === 0 ? MAX : MAX - Math.floor((taintCounts[i]! * MAX) / maxTaints);
    const affinity = maxAffinity === 0 ? 0 : Math.floor((affinityRaw![i]! * MAX) / maxAffinity);
    out.push(leastAllocatedScore(ctx, n) + balancedScore(ctx.request, n) + 3 * taint + 2 * affinity + 2 * spread[i]! + 2 * interPod[i]!);
  }
  return out;
}
