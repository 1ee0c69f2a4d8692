/**
 * InterPodAffinity: the incoming pod's required affinity (some matching pod in the node's
 * topology domain, for every term) and anti-affinity (no matching pod there), and placed pods'
 * required anti-affinity against the incoming pod. Counting happens once per pod in
 * `prepareInterPodAffinity` (kube-scheduler's PreFilter) via the label index.
 */
import type { Pod } from '../../model/k8s.js';
import { podKeyOf } from '../../kube/pod.js';
import {
  namespaceLabels,
  requiredAffinityTerms,
  requiredAntiAffinityTerms,
  termMatches,
  termScope,
  type CompiledTerm,
} from '../affinity-term.js';
import type { NodeInfo, PlacementState } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

export const AFFINITY_MISMATCH = "node(s) didn't match pod affinity rules";
export const ANTI_AFFINITY_MISMATCH = "node(s) didn't match pod anti-affinity rules";
export const EXISTING_ANTI_AFFINITY_MISMATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

type Counts = Map<string, number>;

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** No pair key holds more than its one separator, so a pair key names exactly one (key, value). */
function unambiguous(counts: Counts): boolean {
  for (const k of counts.keys()) if (k.indexOf('\u0000') !== k.lastIndexOf('\u0000')) return false;
  return true;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export interface InterPodAffinityState {
  affinityTerms: CompiledTerm[];
  antiAffinityTerms: CompiledTerm[];
  affinityCounts: Counts;
  antiAffinityCounts: Counts;
  existingAntiAffinityCounts: Counts;
  /**
   * The distinct topology keys counted in existingAntiAffinityCounts, or undefined when a counted
   * key or value contains the pair separator (then every node label must be tried).
   */
  existingAntiAffinityKeys: string[] | undefined;
  /** The pod matches all its own affinity terms (lets the first pod of a self-affine group in). */
  selfMatchesAffinity: boolean;
}

/** Counts the node's domain of `topologyKey`; false when the node lacks the label. */
function bump(counts: Counts, node: NodeInfo | undefined, topologyKey: string): boolean {
  const v = node?.labels[topologyKey];
  if (v === undefined) return false;
  const k = pairKey(topologyKey, v);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  return true;
}

export function prepareInterPodAffinity(state: PlacementState, pod: Pod): InterPodAffinityState {
  const self = podKeyOf(pod);
  const affinityTerms = requiredAffinityTerms(pod);
  const antiAffinityTerms = requiredAntiAffinityTerms(pod);
  const affinityCounts: Counts = new Map();
  const antiAffinityCounts: Counts = new Map();
  const existingAntiAffinityCounts: Counts = new Map();
  const existingAntiAffinityKeys = new Set<string>();

  // Placed pods whose anti-affinity rejects the incoming pod (evaluated once per group of
  // identical terms; only groups whose terms can select the pod's namespace).
  const podNsLabels = namespaceLabels(state, pod.metadata.namespace);
  for (const group of state.antiAffinityGroupsFor(pod.metadata.namespace ?? 'default')) {
    for (const term of group.terms) {
      if (!termMatches(term, pod, podNsLabels)) continue;
      for (const key of group.podKeys) {
        if (key === self) continue;
        if (bump(existingAntiAffinityCounts, state.nodeInfo(state.nodeOf(key)!), term.topologyKey)) existingAntiAffinityKeys.add(term.topologyKey);
      }
    }
  }

  // The incoming pod's affinity: placed pods matching ALL terms count for every term.
  if (affinityTerms.length > 0 && affinityTerms.every((t) => t.selector !== undefined)) {
    const first = affinityTerms[0]!;
    for (const other of state.candidatePods(termScope(first, state), first.selector ?? [])) {
      const key = podKeyOf(other);
      if (key === self) continue;
      const otherNsLabels = namespaceLabels(state, other.metadata.namespace);
      if (!affinityTerms.every((t) => termMatches(t, other, otherNsLabels))) continue;
      const node = state.nodeInfo(state.nodeOf(key)!);
      for (const t of affinityTerms) bump(affinityCounts, node, t.topologyKey);
    }
  }

  for (const term of antiAffinityTerms) {
    if (!term.selector) continue;
    for (const other of state.candidatePods(termScope(term, state), term.selector)) {
      const key = podKeyOf(other);
      if (key === self) continue;
      if (!termMatches(term, other, namespaceLabels(state, other.metadata.namespace))) continue;
      bump(antiAffinityCounts, state.nodeInfo(state.nodeOf(key)!), term.topologyKey);
    }
  }

  const selfMatchesAffinity =
    affinityTerms.length > 0 && affinityTerms.every((t) => termMatches(t, pod, podNsLabels));
  return {
    affinityTerms,
    antiAffinityTerms,
    affinityCounts,
    antiAffinityCounts,
    existingAntiAffinityCounts,
    existingAntiAffinityKeys: unambiguous(existingAntiAffinityCounts) ? [...existingAntiAffinityKeys] : undefined,
    selfMatchesAffinity,
  };
}

export function interPodAffinity(s: InterPodAffinityState, node: NodeInfo): PredicateFailure[] {
  // Incoming pod's affinity.
  let podsExist = true;
  for (const term of s.affinityTerms) {
    const v = node.labels[term.topologyKey];
    if (v === undefined) return [{ predicate: 'InterPodAffinity', message: AFFINITY_MISMATCH, unresolvable: true }];
    if ((s.affinityCounts.get(pairKey(term.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist && !(s.affinityCounts.size === 0 && s.selfMatchesAffinity)) {
    return [{ predicate: 'InterPodAffinity', message: AFFINITY_MISMATCH, unresolvable: true }];
  }
  // Incoming pod's anti-affinity.
  if (s.antiAffinityCounts.size > 0) {
    for (const term of s.antiAffinityTerms) {
      const v = node.labels[term.topologyKey];
      if (v !== undefined && (s.antiAffinityCounts.get(pairKey(term.topologyKey, v)) ?? 0) > 0) {
        return [{ predicate: 'InterPodAffinity', message: ANTI_AFFINITY_MISMATCH }];
      }
    }
  }
  // Placed pods' anti-affinity.
  if (s.existingAntiAffinityCounts.size > 0) {
    // Only the counted topology keys can match a node label: look those up instead of building
    // a key for every label of every node.
    const labels = node.labels;
    const keys = s.existingAntiAffinityKeys;
    if (keys !== undefined) {
      for (const k of keys) {
        if (!hasOwn(labels, k)) continue;
        if ((s.existingAntiAffinityCounts.get(pairKey(k, labels[k]!)) ?? 0) > 0) {
          return [{ predicate: 'InterPodAffinity', message: EXISTING_ANTI_AFFINITY_MISMATCH }];
        }
      }
    } else {
      for (const [k, v] of Object.entries(labels)) {
        if ((s.existingAntiAffinityCounts.get(pairKey(k, v)) ?? 0) > 0) {
          return [{ predicate: 'InterPodAffinity', message: EXISTING_ANTI_AFFINITY_MISMATCH }];
        }
      }
    }
  }
  return NO_FAILURES;
}
