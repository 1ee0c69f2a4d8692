/**
 * Placed pods by namespace and by (namespace, label key, label value), so that affinity and
 * spread queries cost the number of matching pods, not the number of pods in the cluster. Both
 * are built on the first query that needs them — the label index one (namespace, label key) pair
 * at a time, for the keys queries narrow by — and kept current from then on.
 */
import type { Pod } from '../model/k8s.js';
import type { Requirement, Selector } from '../kube/selector.js';

/** Which namespaces an affinity term or query covers. */
export type NamespaceScope = { all: true } | { all?: false; names: ReadonlySet<string> };

const SEP = '\u0000';
const EMPTY: ReadonlySet<string> = new Set();
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function labelIndexKey(namespace: string, key: string, value: string): string {
  return `${namespace}${SEP}${key}${SEP}${value}`;
}

/** What the index reads of the state: placed pods by key, in placement order. */
export interface PlacedPods {
  /** Every placed pod as [podKey, pod]. */
  entries(): Iterable<[string, Pod]>;
  get(key: string): Pod | undefined;
}

/** The index of the file comment; a PlacementState reports every placed and removed pod. */
export class PodIndex {
  /** Placed pod keys by namespace; undefined until a query needs it. */
  private byNamespace: Map<string, Set<string>> | undefined;
  /** Placed pod keys by labelIndexKey, only for the pairs in `indexed`. */
  private byLabel = new Map<string, Set<string>>();
  /** `namespace SEP labelKey` pairs whose label index is built. */
  private indexed = new Set<string>();

  constructor(private readonly placed: PlacedPods) {}

  /** A pod was placed (call after the state holds it). */
  added(key: string, pod: Pod): void {
    if (!this.byNamespace) return;
    const ns = pod.metadata.namespace ?? 'default';
    setFor(this.byNamespace, ns).add(key);
    const labels = pod.metadata.labels;
    if (!labels || this.indexed.size === 0) return;
    for (const k of Object.keys(labels)) {
      if (this.indexed.has(ns + SEP + k)) setFor(this.byLabel, labelIndexKey(ns, k, labels[k]!)).add(key);
    }
  }

  /** A pod was removed. */
  removed(key: string, pod: Pod): void {
    if (!this.byNamespace) return;
    const ns = pod.metadata.namespace ?? 'default';
    deleteFrom(this.byNamespace, ns, key);
    const labels = pod.metadata.labels;
    if (!labels || this.indexed.size === 0) return;
    for (const [k, v] of Object.entries(labels)) {
      if (this.indexed.has(ns + SEP + k)) deleteFrom(this.byLabel, labelIndexKey(ns, k, v), key);
    }
  }

  /**
   * Placed pods in `scope` whose labels may satisfy `selector`: narrowed through the label index
   * by the most selective Equals/In requirement. Callers still check the full selector. Unordered.
   */
  *candidates(scope: NamespaceScope, selector: Selector): Iterable<Pod> {
    const nsIndex = this.namespaceIndex();
    const namespaces = scope.all === true ? [...nsIndex.keys()] : [...scope.names];
    const narrowing = selector.filter((r): r is Requirement => (r.operator === 'Equals' || r.operator === 'In') && r.values.length > 0);
    for (const ns of namespaces) {
      let best: Set<string>[] | undefined;
      let bestSize = Infinity;
      this.indexLabels(ns, narrowing);
      for (const r of narrowing) {
        const sets: Set<string>[] = [];
        let size = 0;
        for (const v of new Set(r.values)) {
          const s = this.byLabel.get(labelIndexKey(ns, r.key, v));
          if (s) {
            sets.push(s);
            size += s.size;
          }
        }
        if (size < bestSize) {
          best = sets;
          bestSize = size;
        }
      }
      const pools = best ?? [nsIndex.get(ns) ?? EMPTY];
      for (const pool of pools) {
        for (const key of pool) {
          const p = this.placed.get(key);
          if (p) yield p;
        }
      }
    }
  }

  /** The namespace index, built from the placed pods on first use. */
  private namespaceIndex(): Map<string, Set<string>> {
    if (this.byNamespace) return this.byNamespace;
    const index = new Map<string, Set<string>>();
    // Pods mostly arrive grouped by namespace: reuse the previous pod's set while it matches.
    let lastNs: string | undefined;
    let lastSet: Set<string> | undefined;
    for (const [key, pod] of this.placed.entries()) {
      const ns = pod.metadata.namespace ?? 'default';
      let set = ns === lastNs ? lastSet : index.get(ns);
      if (!set) index.set(ns, (set = new Set<string>()));
      set.add(key);
      lastNs = ns;
      lastSet = set;
    }
    this.byNamespace = index;
    return index;
  }

  /**
   * Builds, once per namespace and label key, the label index of each requirement's key from the
   * namespace's placed pods — all keys not yet indexed in one pass (each key's sets come out as a
   * pass of their own would make them: same members, same order).
   */
  private indexLabels(namespace: string, requirements: readonly Requirement[]): void {
    const keys: string[] = [];
    for (const r of requirements) {
      const id = namespace + SEP + r.key;
      if (this.indexed.has(id) || keys.includes(r.key)) continue;
      keys.push(r.key);
    }
    if (keys.length === 0) return;
    for (const k of keys) this.indexed.add(namespace + SEP + k);
    const pool = this.namespaceIndex().get(namespace);
    if (!pool) return;
    const byValue = keys.map(() => new Map<string, Set<string>>());
    // Per key, the previous pod's value and set (siblings sit next to each other in the pool).
    const lastValues: (string | undefined)[] = keys.map(() => undefined);
    const lastSets: (Set<string> | undefined)[] = keys.map(() => undefined);
    for (const key of pool) {
      const labels = this.placed.get(key)!.metadata.labels;
      if (!labels) continue;
      for (let i = 0; i < keys.length; i++) {
        const labelKey = keys[i]!;
        if (!hasOwn(labels, labelKey)) continue;
        const value = labels[labelKey]!;
        let set = value === lastValues[i] ? lastSets[i] : byValue[i]!.get(value);
        if (!set) byValue[i]!.set(value, (set = new Set()));
        set.add(key);
        lastValues[i] = value;
        lastSets[i] = set;
      }
    }
    // Key by key, in the order one pass per key would have stored them.
    for (let i = 0; i < keys.length; i++) {
      for (const [value, set] of byValue[i]!) this.byLabel.set(labelIndexKey(namespace, keys[i]!, value), set);
    }
  }
}

function setFor(map: Map<string, Set<string>>, key: string): Set<string> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}

function deleteFrom(map: Map<string, Set<string>>, key: string, member: string): void {
  const s = map.get(key);
  if (!s || !s.delete(member)) return;
  if (s.size === 0) map.delete(key);
}
