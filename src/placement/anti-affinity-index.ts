/**
 * Placed pods with required pod anti-affinity (they can veto nodes for others), grouped by
 * identical compiled terms — replicas of one workload share a group — so a term is evaluated
 * once per group, and bucketed by the namespaces their terms select pods from.
 */
import type { Pod } from '../model/k8s.js';
import { requiredAntiAffinityTerms, termsSignature, type CompiledTerm } from './affinity-term.js';

/** The bucket of terms with a namespaceSelector (no namespace is named so). */
const ANY_NAMESPACE = '\u0000*';

/** Whether the pod has required anti-affinity terms (most pods have none: checked first). */
export function hasRequiredAntiAffinity(pod: Pod): boolean {
  return (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

export interface AntiAffinityGroup {
  terms: readonly CompiledTerm[];
  podKeys: ReadonlySet<string>;
}

/** The index of the file comment; a PlacementState adds and removes placed pods. */
export class AntiAffinityIndex {
  private groups = new Map<string, Set<string>>();
  private terms = new Map<string, CompiledTerm[]>();
  /** Group signatures by a namespace their terms select from. Only grows; empty groups are skipped. */
  private byNamespace = new Map<string, Set<string>>();

  add(key: string, pod: Pod): void {
    if (!hasRequiredAntiAffinity(pod)) return;
    const terms = requiredAntiAffinityTerms(pod);
    const sig = termsSignature(terms);
    if (!this.terms.has(sig)) {
      this.terms.set(sig, terms);
      // One bucket per namespace at most once, so a group is never read twice for one pod.
      if (terms.some((t) => t.namespaceSelector !== undefined)) setFor(this.byNamespace, ANY_NAMESPACE).add(sig);
      else for (const t of terms) for (const n of t.namespaces) setFor(this.byNamespace, n).add(sig);
    }
    setFor(this.groups, sig).add(key);
  }

  remove(key: string, pod: Pod): void {
    if (!hasRequiredAntiAffinity(pod)) return;
    const sig = termsSignature(requiredAntiAffinityTerms(pod));
    const set = this.groups.get(sig);
    if (!set) return;
    set.delete(key);
    if (set.size === 0) this.groups.delete(sig);
  }

  /** The groups with a term that can select a pod of `namespace` (lists it, defaults to it, or has a namespaceSelector). Unordered. */
  *groupsFor(namespace: string): Iterable<AntiAffinityGroup> {
    for (const bucket of [this.byNamespace.get(namespace), this.byNamespace.get(ANY_NAMESPACE)]) {
      if (!bucket) continue;
      for (const sig of bucket) {
        const podKeys = this.groups.get(sig);
        if (podKeys) yield { terms: this.terms.get(sig)!, podKeys };
      }
    }
  }
}

function setFor(map: Map<string, Set<string>>, key: string): Set<string> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
