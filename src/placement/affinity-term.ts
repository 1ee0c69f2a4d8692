/**
 * Pod affinity terms compiled the way kube-scheduler's framework.AffinityTerm is: the label
 * selector with matchLabelKeys/mismatchLabelKeys merged in from the owning pod's labels, and the
 * namespaces it covers (listed namespaces, or the owner's own namespace when neither namespaces
 * nor namespaceSelector are given, plus those whose labels match namespaceSelector; `{}` = all).
 */
import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import type { Pod } from '../model/k8s.js';
import { fromLabelSelector, matches, type Selector } from '../kube/selector.js';
import type { NamespaceScope, PlacementState } from './placement-state.js';

export interface CompiledTerm {
  /** undefined = a null labelSelector, which matches no pod. */
  selector: Selector | undefined;
  topologyKey: string;
  namespaces: ReadonlySet<string>;
  /** undefined = no namespaceSelector; [] (empty selector) = every namespace. */
  namespaceSelector: Selector | undefined;
}

/** Compiles a term owned by `owner`. */
export function compileTerm(term: V1PodAffinityTerm, owner: Pod): CompiledTerm {
  let selector = fromLabelSelector(term.labelSelector);
  if (selector) {
    const labels = owner.metadata.labels ?? {};
    const extra: Selector = [];
    for (const key of term.matchLabelKeys ?? []) {
      if (key in labels) extra.push({ key, operator: 'In', values: [labels[key]!] });
    }
    for (const key of term.mismatchLabelKeys ?? []) {
      if (key in labels) extra.push({ key, operator: 'NotIn', values: [labels[key]!] });
    }
    if (extra.length > 0) selector = [...selector, ...extra];
  }
  const namespaceSelector = fromLabelSelector(term.namespaceSelector);
  const listed = term.namespaces ?? [];
  const namespaces = new Set(listed.length === 0 && !namespaceSelector ? [owner.metadata.namespace ?? 'default'] : listed);
  return { selector, topologyKey: term.topologyKey, namespaces, namespaceSelector };
}

/** True when the term selects `pod`; `nsLabels` are the labels of the pod's namespace, if known. */
export function termMatches(term: CompiledTerm, pod: Pod, nsLabels: Record<string, string> | undefined): boolean {
  if (!term.selector) return false;
  const ns = pod.metadata.namespace ?? 'default';
  const inScope =
    term.namespaces.has(ns) ||
    (term.namespaceSelector !== undefined && (term.namespaceSelector.length === 0 || (nsLabels !== undefined && matches(term.namespaceSelector, nsLabels))));
  return inScope && matches(term.selector, pod.metadata.labels);
}

/** The namespaces a term can select pods from, resolved against the known Namespace objects. */
export function termScope(term: CompiledTerm, state: PlacementState): NamespaceScope {
  if (term.namespaceSelector === undefined) return { names: term.namespaces };
  if (term.namespaceSelector.length === 0) return { all: true };
  const names = new Set(term.namespaces);
  for (const [name, ns] of state.namespaces) {
    if (matches(term.namespaceSelector, ns.metadata.labels)) names.add(name);
  }
  return { names };
}

/** Labels of a namespace by name (undefined when the Namespace object is unknown). */
export function namespaceLabels(state: PlacementState, name: string | undefined): Record<string, string> | undefined {
  const ns = state.namespaces.get(name ?? 'default');
  return ns ? (ns.metadata.labels ?? {}) : undefined;
}

/** Required affinity terms of a pod, compiled. */
export function requiredAffinityTerms(pod: Pod): CompiledTerm[] {
  return (pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(t, pod));
}

const antiAffinityCache = new WeakMap<Pod, CompiledTerm[]>();

/** Required anti-affinity terms of a pod, compiled (memoised per pod object: placed pods are asked often). */
export function requiredAntiAffinityTerms(pod: Pod): CompiledTerm[] {
  let terms = antiAffinityCache.get(pod);
  if (!terms) {
    terms = (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(t, pod));
    antiAffinityCache.set(pod, terms);
  }
  return terms;
}

/** A string equal for equal compiled term lists (groups replicas that share anti-affinity). */
export function termsSignature(terms: readonly CompiledTerm[]): string {
  return JSON.stringify(
    terms.map((t) => [t.topologyKey, t.selector ?? null, [...t.namespaces].sort(), t.namespaceSelector ?? null]),
  );
}
