/**
 * Node selector terms (pod nodeAffinity, PV nodeAffinity, StorageClass allowedTopologies) as
 * compiled matchers. Terms are ORed, requirements inside a term ANDed; a term with no
 * requirements, or with one that does not parse (bad operator, key or label value), matches
 * nothing (apimachinery's lazy-error selector); the other terms still count.
 */
import type { V1NodeSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import type { Pod } from '../model/k8s.js';
import { isValidLabelKey, isValidLabelValue, parseInt64 } from './label-syntax.js';

/** What a node selector looks at. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type NodeMatcher = (node: NodeFacts) => boolean;

/**
 * One matchExpressions requirement as `labels.NewRequirement` parses it: the key must be a valid
 * label key, every value a valid label value, In/NotIn need values, Exists/DoesNotExist none,
 * Gt/Lt exactly one int64. Undefined when it does not parse (its term then matches nothing).
 */
function compileLabelRequirement(r: V1NodeSelectorRequirement): NodeMatcher | undefined {
  const values = r.values ?? [];
  const key = r.key;
  if (!isValidLabelKey(key) || !values.every(isValidLabelValue)) return undefined;
  const read = (n: NodeFacts): string | undefined => (Object.prototype.hasOwnProperty.call(n.labels, key) ? n.labels[key] : undefined);
  switch (r.operator) {
    case 'In': {
      if (values.length === 0) return undefined;
      const set = new Set(values);
      return (n) => {
        const v = read(n);
        return v !== undefined && set.has(v);
      };
    }
    case 'NotIn': {
      if (values.length === 0) return undefined;
      const set = new Set(values);
      return (n) => {
        const v = read(n);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      if (values.length > 0) return undefined;
      return (n) => read(n) !== undefined;
    case 'DoesNotExist':
      if (values.length > 0) return undefined;
      return (n) => read(n) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInt64(values[0]!) : undefined;
      if (bound === undefined) return undefined;
      const gt = r.operator === 'Gt';
      return (n) => {
        const v = read(n);
        const x = v === undefined ? undefined : parseInt64(v);
        if (x === undefined) return false;
        return gt ? x > bound : x < bound;
      };
    }
    default:
      return undefined;
  }
}

/**
 * One matchFields requirement as the node field selector parses it: In or NotIn with exactly one
 * value. Nodes offer only `metadata.name`; any other field reads as "".
 */
function compileFieldRequirement(r: V1NodeSelectorRequirement): NodeMatcher | undefined {
  const values = r.values ?? [];
  if (values.length !== 1) return undefined;
  const want = values[0]!;
  const read = r.key === 'metadata.name' ? (n: NodeFacts) => n.name : () => '';
  if (r.operator === 'In') return (n) => read(n) === want;
  if (r.operator === 'NotIn') return (n) => read(n) !== want;
  return undefined;
}

/** Compiles one term; undefined when it can match nothing. */
export function compileNodeSelectorTerm(term: V1NodeSelectorTerm): NodeMatcher | undefined {
  const parts: NodeMatcher[] = [];
  for (const r of term.matchExpressions ?? []) {
    const m = compileLabelRequirement(r);
    if (!m) return undefined;
    parts.push(m);
  }
  for (const r of term.matchFields ?? []) {
    const m = compileFieldRequirement(r);
    if (!m) return undefined;
    parts.push(m);
  }
  if (parts.length === 0) return undefined;
  return (n) => parts.every((p) => p(n));
}

/** Compiles ORed terms. No terms (or only unmatchable ones) → matches nothing. */
export function compileNodeSelector(selector: V1NodeSelector | undefined | null): NodeMatcher {
  const terms = (selector?.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm).filter((t): t is NodeMatcher => t !== undefined);
  if (terms.length === 0) return () => false;
  return (n) => terms.some((t) => t(n));
}

/**
 * The pod's hard node constraints: spec.nodeSelector (every label equal) AND, when present,
 * required node affinity. kube-scheduler's RequiredNodeAffinity.
 */
export function compilePodNodeConstraints(pod: Pod): NodeMatcher {
  const selector = Object.entries(pod.spec.nodeSelector ?? {});
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const affinity = required ? compileNodeSelector(required) : undefined;
  if (selector.length === 0 && !affinity) {
    const any: NodeMatcher = () => true;
    signatures.set(any, { signature: ANY_NODE });
    return any;
  }
  const matcher: NodeMatcher = (n) => {
    for (const [k, v] of selector) if (n.labels[k] !== v) return false;
    return affinity ? affinity(n) : true;
  };
  signatures.set(matcher, { source: { nodeSelector: pod.spec.nodeSelector, required } });
  return matcher;
}

const ANY_NODE = '';
/** What each matcher from compilePodNodeConstraints was compiled from (its signature, lazily). */
const signatures = new WeakMap<NodeMatcher, { signature?: string; source?: unknown }>();

/**
 * A string equal for matchers compiled from equal pod node constraints (so results that depend
 * only on the nodes and the matcher can be cached per signature); undefined for matchers not
 * made by compilePodNodeConstraints.
 */
export function nodeConstraintsSignature(matcher: NodeMatcher): string | undefined {
  const e = signatures.get(matcher);
  if (!e) return undefined;
  if (e.signature === undefined) e.signature = JSON.stringify(e.source);
  return e.signature;
}

/**
 * Node names the pod is pinned to by `matchFields metadata.name In` in every required term
 * (kube-scheduler's NodeAffinity PreFilter, how DaemonSet pods target their node); undefined when
 * any term leaves all nodes possible. An empty set means the terms contradict each other.
 */
export function pinnedNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  let union: Set<string> | undefined;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      names = names === undefined ? s : new Set([...names].filter((x) => s.has(x)));
    }
    if (names === undefined) return undefined;
    union = union ?? new Set();
    for (const n of names) union.add(n);
  }
  return union;
}
