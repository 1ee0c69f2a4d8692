/**
 * A mutable, indexed view of where pods sit, the scheduler-cache equivalent the predicates read.
 * Pods are indexed by node, namespace, label and claim so that affinity, spread and volume checks
 * cost the number of matching pods, not the number of pods in the cluster. Building it for
 * 150,000 pods must stay cheap although only a few hundred of them will ever be asked about:
 * resource sums are added up without per-pod objects, a node's pod map is built when first read
 * or changed, and the namespace and label indexes are built on the first query that needs them
 * (a label key per namespace at a time) and kept current from then on. `clone()` is
 * copy-on-write: the copy shares every index until one side changes it.
 */
import type { KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';
import { isTerminal, podKeyOf } from '../kube/pod.js';
import { addInto, addPlainPodCosts, cloneResources, emptyResources, nodeAllocatable, podCosts, type Resources } from '../kube/resources.js';
import type { Requirement, Selector } from '../kube/selector.js';
import type { PlacementInput } from './types.js';
import { requiredAntiAffinityTerms, termsSignature, type CompiledTerm } from './affinity-term.js';
import { compareStrings } from './compare-strings.js';
import type { NodeInfo, Taint } from './node-info.js';
import { podClaimNames } from './pod-claims.js';
import type { UndoJournal } from './undo-journal.js';

export { compareStrings } from './compare-strings.js';
export { podClaimNames } from './pod-claims.js';
export type { NodeInfo, Taint } from './node-info.js';

/** A node's entry. Mutated only by the PlacementState whose token it carries (copy-on-write). */
class MutableNodeInfo implements NodeInfo {
  /** The token of the PlacementState allowed to mutate this entry in place. */
  owner: object;
  /**
   * Pods placed here while building, before `podMap` exists; never changed once the state is
   * built, so copies may share it.
   */
  private initial: Pod[];
  private podMap: Map<string, Pod> | undefined;

  constructor(
    owner: object,
    readonly name: string,
    readonly node: Node,
    public unschedulable: boolean,
    readonly labels: Record<string, string>,
    readonly taints: Taint[],
    readonly allocatable: Resources,
    readonly requested: Resources,
    readonly nonZeroRequested: Resources,
    initial: Pod[],
    podMap: Map<string, Pod> | undefined,
  ) {
    this.owner = owner;
    this.initial = initial;
    this.podMap = podMap;
  }

  /** Pods placed here by `podKey`, in placement order. */
  get pods(): ReadonlyMap<string, Pod> {
    return this.mutablePods();
  }

  /** The pod map, built from `initial` on first use. Mutate only when owned. */
  mutablePods(): Map<string, Pod> {
    let map = this.podMap;
    if (map === undefined) {
      map = new Map();
      for (const pod of this.initial) map.set(podKeyOf(pod), pod);
      this.podMap = map;
      this.initial = [];
    }
    return map;
  }

  /** While building: records a pod placed here (its key is new to the state). */
  addInitial(key: string, pod: Pod): void {
    if (this.podMap) this.podMap.set(key, pod);
    else this.initial.push(pod);
  }

  /** A copy owned by `owner` with its own sums and pod map (sharing the rest). */
  copy(owner: object, node: Node = this.node, labels = this.labels, taints = this.taints, allocatable = this.allocatable): MutableNodeInfo {
    return new MutableNodeInfo(
      owner,
      this.name,
      node,
      this.unschedulable,
      labels,
      taints,
      allocatable,
      cloneResources(this.requested),
      cloneResources(this.nonZeroRequested),
      this.initial,
      this.podMap ? new Map(this.podMap) : undefined,
    );
  }
}

/** An object placement could not read fully (an invalid quantity, counted as 0). */
export interface PlacementProblem {
  /** e.g. `Pod "shop/api-1"` or `Node "n1"`. */
  object: string;
  message: string;
}

/** Which namespaces an affinity term or query covers. */
export type NamespaceScope = { all: true } | { all?: false; names: ReadonlySet<string> };

interface PodCosts {
  request: Resources;
  nonZero: Resources;
}

/** A pod placed by `assign` (or while building, when its costs could not be summed directly). */
class Placed {
  constructor(
    readonly pod: Pod,
    readonly node: string,
    public costs: PodCosts | undefined,
  ) {}
}

/**
 * What `placed` holds per pod key: a Placed, or — for most pods placed while building — the pod
 * itself, placed on its spec.nodeName, its costs summed directly (computed again, identically,
 * when needed). Saves an object per pod of a 150,000-pod cluster.
 */
type Entry = Pod | Placed;

function entryPod(e: Entry): Pod {
  return e instanceof Placed ? e.pod : e;
}

function entryNode(e: Entry): string {
  return e instanceof Placed ? e.node : e.spec.nodeName!;
}

/** Property holding the token of the PlacementState allowed to mutate a shared container in place. */
const OWNER = Symbol('placement-owner');
type Owned = { [OWNER]?: object };

const SEP = '\u0000';
/** The antiByNamespace bucket of terms with a namespaceSelector (no namespace is named so). */
const ANY_NAMESPACE = '\u0000*';
/** Entries kept by `nodeDerived` before it starts over. */
const DERIVED_LIMIT = 128;

function labelIndexKey(namespace: string, key: string, value: string): string {
  return `${namespace}${SEP}${key}${SEP}${value}`;
}

function hasRequiredAntiAffinity(pod: Pod): boolean {
  return (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/**
 * The scheduler-cache view. Every method is deterministic; iteration orders that reach callers
 * are sorted (node names) or documented as unordered.
 */
export class PlacementState {
  private nodes: Map<string, MutableNodeInfo>;
  private names: string[];
  /** The entries in `names` order; undefined after any entry is replaced, added or removed. */
  private ordered: MutableNodeInfo[] | undefined;
  private placed: Map<string, Entry>;
  /** Costs computed for pods placed as bare entries (pure: shared by clones). */
  private costCache: WeakMap<Pod, PodCosts>;
  /** Whether `placed` is this instance's own copy (checked on every assign, so a flag, not a tag). */
  private placedOwned: boolean;
  /** Placed pod keys by namespace; undefined until a query needs it (then kept current). */
  private nsIndex: Map<string, Set<string>> | undefined;
  /**
   * Placed pod keys by (namespace, label key, label value), only for the (namespace, label key)
   * pairs listed in `indexedLabels` — those a query has narrowed by so far.
   */
  private labelIndex: Map<string, Set<string>>;
  /** `namespace SEP labelKey` pairs whose label index is built. */
  private indexedLabels: Set<string>;
  /** Placed pods with required anti-affinity, grouped by identical compiled terms. */
  private antiGroups: Map<string, Set<string>>;
  private antiTerms: Map<string, CompiledTerm[]>;
  /**
   * Anti-affinity group signatures by a namespace their terms select pods from (ANY_NAMESPACE:
   * terms with a namespaceSelector). Only grows; empty groups are skipped when read.
   */
  private antiByNamespace: Map<string, Set<string>>;
  /** Values computed from the nodes alone (`nodeDerived`); replaced whenever a node changes. */
  private derived: Map<string, unknown>;
  private claims: Map<string, Set<string>>;
  /** Containers tagged with this token may be mutated in place; others are shared with a clone. */
  private token: object;

  /** Claims by `namespace/name`. Shared, never mutated. */
  readonly pvcs: ReadonlyMap<string, PersistentVolumeClaim>;
  /** PersistentVolumes by name. */
  readonly pvs: ReadonlyMap<string, PersistentVolume>;
  /** Namespaces by name. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** StorageClasses by name. */
  readonly storageClasses: ReadonlyMap<string, KubeObject>;
  /**
   * Invalid quantities met while building (the value counted as 0), in input order, for callers
   * to turn into diagnostics. Later `assign`/`upsertNode` calls throw RangeError instead.
   */
  readonly problems: readonly PlacementProblem[];
  private lenient: ((object: string) => (message: string) => void) | undefined;
  /**
   * Where assign, unassign and setUnschedulable record how to undo themselves (the planner's
   * what-if waves); undefined = not journaled (the simulator). upsertNode/removeNode are not.
   */
  readonly journal: UndoJournal | undefined;

  /** Use `buildPlacementState`. */
  constructor(input: PlacementInput, journal?: UndoJournal) {
    this.nodes = new Map();
    this.names = [];
    this.ordered = undefined;
    this.placed = new Map();
    this.costCache = new WeakMap();
    this.placedOwned = true;
    this.nsIndex = undefined;
    this.labelIndex = new Map();
    this.indexedLabels = new Set();
    this.antiGroups = new Map();
    this.antiTerms = new Map();
    this.antiByNamespace = new Map();
    this.derived = new Map();
    this.claims = new Map();
    this.token = {};
    const problems: PlacementProblem[] = [];
    this.problems = problems;
    this.lenient = (object) => (message) => problems.push({ object, message });
    this.pvcs = new Map((input.pvcs ?? []).map((c) => [`${c.metadata.namespace ?? 'default'}/${c.metadata.name}`, c]));
    this.pvs = new Map((input.pvs ?? []).map((v) => [v.metadata.name, v]));
    this.namespaces = new Map((input.namespaces ?? []).map((n) => [n.metadata.name, n]));
    this.storageClasses = new Map((input.storageClasses ?? []).map((s) => [s.metadata.name, s]));
    for (const node of input.nodes) this.upsertNode(node, false);
    this.names = [...this.nodes.keys()].sort(compareStrings);
    // What assign() does, without building what no query has asked for yet.
    for (const pod of input.pods) {
      const nodeName = pod.spec.nodeName;
      if (!nodeName || isTerminal(pod)) continue;
      const info = this.nodes.get(nodeName);
      if (!info) continue;
      const key = podKeyOf(pod);
      if (this.placed.has(key)) {
        this.assign(pod, nodeName);
        continue;
      }
      if (addPlainPodCosts(info.requested, info.nonZeroRequested, pod)) {
        this.placed.set(key, pod);
      } else {
        const costs = podCosts(pod, this.lenient(`Pod "${key}"`));
        addInto(info.requested, costs.request);
        addInto(info.nonZeroRequested, costs.nonZero);
        this.placed.set(key, new Placed(pod, nodeName, costs));
      }
      info.addInitial(key, pod);
      this.indexExtras(pod, key);
    }
    this.lenient = undefined;
    this.journal = journal;
  }

  /** Node names in sorted (code-unit) order. */
  nodeNames(): readonly string[] {
    return this.names;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Every node's NodeInfo in `nodeNames()` order (the scheduler's loop, without a lookup per node). */
  nodeInfos(): readonly NodeInfo[] {
    return (this.ordered ??= this.names.map((n) => this.nodes.get(n)!));
  }

  /** The node a pod (or pod key) is placed on here. */
  nodeOf(pod: Pod | string): string | undefined {
    const e = this.placed.get(typeof pod === 'string' ? pod : podKeyOf(pod));
    return e === undefined ? undefined : entryNode(e);
  }

  /** A placed pod by `podKey`. */
  getPod(key: string): Pod | undefined {
    const e = this.placed.get(key);
    return e === undefined ? undefined : entryPod(e);
  }

  /** Number of placed pods. */
  podCount(): number {
    return this.placed.size;
  }

  /**
   * The pod's request and scoring request (cached for placed pods: the same object is reused).
   * Throws RangeError on bad quantities.
   */
  costsOf(pod: Pod): { request: Resources; nonZero: Resources } {
    const p = this.placed.get(podKeyOf(pod));
    if (p && entryPod(p) === pod) return this.placedCosts(p);
    // One pass for both; each invalid quantity is reported once.
    return podCosts(pod, this.lenient?.(`Pod "${podKeyOf(pod)}"`));
  }

  /** Adds or replaces a node, keeping the pods already placed on it. */
  upsertNode(node: Node, keepSorted = true): void {
    const name = node.metadata.name;
    const prev = this.nodes.get(name);
    const labels = { ...(node.metadata.labels ?? {}) };
    const taints = (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
    const allocatable = nodeAllocatable(node, this.lenient?.(`Node "${name}"`));
    const unschedulable = node.spec?.unschedulable === true;
    const info = prev
      ? prev.copy(this.token, node, labels, taints, allocatable)
      : new MutableNodeInfo(this.token, name, node, unschedulable, labels, taints, allocatable, emptyResources(), emptyResources(), [], undefined);
    info.unschedulable = unschedulable;
    this.nodes.set(name, info);
    this.ordered = undefined;
    this.derived = new Map();
    if (!prev && keepSorted) this.names = [...this.names, name].sort(compareStrings);
  }

  /** Removes a node and forgets the pods placed on it. */
  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    for (const pod of [...info.pods.values()]) this.unassign(pod);
    this.nodes.delete(name);
    this.ordered = undefined;
    this.derived = new Map();
    this.names = this.names.filter((n) => n !== name);
  }

  /** Cordons or uncordons a node (what the planner does to a wave's nodes). */
  setUnschedulable(nodeName: string, unschedulable: boolean): void {
    const info = this.mutableNode(nodeName);
    const prev = info.unschedulable;
    info.unschedulable = unschedulable;
    this.journal?.record(() => this.setUnschedulable(nodeName, prev));
  }

  /**
   * Places `pod` on `nodeName` (moving it if it is placed elsewhere), whatever the predicates say:
   * callers decide with `scheduleOne`/`checkPodOnNode` first. Pods are identified by `podKey`, so
   * replacements must carry distinct names. Throws on an unknown node.
   */
  assign(pod: Pod, nodeName: string): void {
    if (!this.nodes.has(nodeName)) throw new Error(`Cannot place pod "${podKeyOf(pod)}" on node "${nodeName}": no such node`);
    const key = podKeyOf(pod);
    const prev = this.placed.get(key);
    const costs = prev && entryPod(prev) === pod ? this.placedCosts(prev) : podCosts(pod, this.lenient?.(`Pod "${key}"`));
    if (prev) this.unassign(key);
    this.place(pod, key, nodeName, costs);
    this.journal?.record(() => this.unassign(key));
  }

  /** assign's bookkeeping, with the pod's costs known. */
  private place(pod: Pod, key: string, nodeName: string, costs: PodCosts): void {
    const info = this.mutableNode(nodeName);
    info.mutablePods().set(key, pod);
    addInto(info.requested, costs.request);
    addInto(info.nonZeroRequested, costs.nonZero);
    this.ownPlaced().set(key, new Placed(pod, nodeName, costs));
    const ns = pod.metadata.namespace ?? 'default';
    if (this.nsIndex) {
      this.setFor(this.nsIndex, ns).add(key);
      const labels = pod.metadata.labels;
      if (labels && this.indexedLabels.size > 0) {
        for (const k of Object.keys(labels)) {
          if (this.indexedLabels.has(ns + SEP + k)) this.setFor(this.labelIndex, labelIndexKey(ns, k, labels[k]!)).add(key);
        }
      }
    }
    this.indexExtras(pod, key);
  }

  /** Removes a pod (by object or `podKey`) from its node. Returns false when it was not placed. */
  unassign(pod: Pod | string): boolean {
    const key = typeof pod === 'string' ? pod : podKeyOf(pod);
    const entry = this.placed.get(key);
    if (entry === undefined) return false;
    const costs = this.placedCosts(entry);
    const info = this.mutableNode(entryNode(entry));
    const placed = entryPod(entry);
    info.mutablePods().delete(key);
    addInto(info.requested, costs.request, -1);
    addInto(info.nonZeroRequested, costs.nonZero, -1);
    this.ownPlaced().delete(key);
    const ns = placed.metadata.namespace ?? 'default';
    if (this.nsIndex) {
      this.deleteFrom(this.nsIndex, ns, key);
      const labels = placed.metadata.labels;
      if (labels && this.indexedLabels.size > 0) {
        for (const [k, v] of Object.entries(labels)) {
          if (this.indexedLabels.has(ns + SEP + k)) this.deleteFrom(this.labelIndex, labelIndexKey(ns, k, v), key);
        }
      }
    }
    if (hasRequiredAntiAffinity(placed)) this.deleteFrom(this.antiGroups, termsSignature(requiredAntiAffinityTerms(placed)), key);
    if (placed.spec.volumes) for (const claim of podClaimNames(placed)) this.deleteFrom(this.claims, `${ns}/${claim}`, key);
    const node = entryNode(entry);
    this.journal?.record(() => this.place(placed, key, node, costs));
    return true;
  }

  /** An independent copy; both sides share storage until either changes (copy-on-write). */
  clone(): PlacementState {
    const copy = Object.create(PlacementState.prototype) as PlacementState;
    Object.assign(copy, this);
    // Neither side may now mutate what the other can see.
    this.token = {};
    copy.token = {};
    this.placedOwned = false;
    copy.placedOwned = false;
    copy.nodes = new Map(this.nodes);
    copy.nsIndex = this.nsIndex ? new Map(this.nsIndex) : undefined;
    copy.labelIndex = new Map(this.labelIndex);
    copy.indexedLabels = new Set(this.indexedLabels);
    copy.claims = new Map(this.claims);
    copy.antiGroups = new Map(this.antiGroups);
    copy.antiTerms = new Map(this.antiTerms);
    copy.antiByNamespace = new Map(this.antiByNamespace);
    // `derived` is shared: both sides have the same nodes, and a node change replaces the map.
    return copy;
  }

  /** Keys of placed pods whose claims include `namespace/claim`. Unordered. */
  claimUsers(namespace: string, claim: string): ReadonlySet<string> {
    return this.claims.get(`${namespace}/${claim}`) ?? EMPTY;
  }

  /** Placed pods with required pod anti-affinity terms (they can veto nodes for others). Unordered. */
  *podsWithRequiredAntiAffinity(): Iterable<Pod> {
    for (const keys of this.antiGroups.values()) {
      for (const key of keys) {
        const p = this.placed.get(key);
        if (p) yield entryPod(p);
      }
    }
  }

  /**
   * The same pods grouped by identical compiled anti-affinity terms (replicas of one workload
   * share a group), so a term is evaluated once per group instead of once per pod. Unordered.
   */
  *antiAffinityGroups(): Iterable<{ terms: readonly CompiledTerm[]; podKeys: ReadonlySet<string> }> {
    for (const [sig, keys] of this.antiGroups) yield { terms: this.antiTerms.get(sig)!, podKeys: keys };
  }

  /**
   * Like `antiAffinityGroups`, but only the groups with a term that can select a pod of
   * `namespace` (the term lists it, defaults to it, or has a namespaceSelector). Unordered.
   */
  *antiAffinityGroupsFor(namespace: string): Iterable<{ terms: readonly CompiledTerm[]; podKeys: ReadonlySet<string> }> {
    for (const bucket of [this.antiByNamespace.get(namespace), this.antiByNamespace.get(ANY_NAMESPACE)]) {
      if (!bucket) continue;
      for (const sig of bucket) {
        const keys = this.antiGroups.get(sig);
        if (keys) yield { terms: this.antiTerms.get(sig)!, podKeys: keys };
      }
    }
  }

  /**
   * A value computed from the nodes' names, labels and taints only, cached until a node is
   * added, replaced or removed. `key` must identify everything else the value depends on.
   * Callers must not mutate the value.
   */
  nodeDerived<T>(key: string, compute: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = compute();
    if (this.derived.size >= DERIVED_LIMIT) this.derived = new Map();
    this.derived.set(key, value);
    return value;
  }

  /** Namespaces that have placed pods. Unordered. */
  namespacesWithPods(): Iterable<string> {
    return this.namespaceIndex().keys();
  }

  /**
   * Placed pods in `scope` whose labels may satisfy `selector`: narrowed through the label index
   * by the most selective Equals/In requirement. Callers still check the full selector. Unordered.
   */
  *candidatePods(scope: NamespaceScope, selector: Selector): Iterable<Pod> {
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
          const s = this.labelIndex.get(labelIndexKey(ns, r.key, v));
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
          if (p) yield entryPod(p);
        }
      }
    }
  }

  /** The costs of a placed pod (computed again, and kept, for pods summed directly while building). */
  private placedCosts(e: Entry): PodCosts {
    if (e instanceof Placed) return (e.costs ??= podCosts(e.pod));
    let costs = this.costCache.get(e);
    if (!costs) this.costCache.set(e, (costs = podCosts(e)));
    return costs;
  }

  /** Indexes what few pods have: required anti-affinity and claims. */
  private indexExtras(pod: Pod, key: string): void {
    if (hasRequiredAntiAffinity(pod)) {
      const terms = requiredAntiAffinityTerms(pod);
      const sig = termsSignature(terms);
      if (!this.antiTerms.has(sig)) {
        this.antiTerms.set(sig, terms);
        // One bucket per namespace at most once, so a group is never read twice for one pod.
        if (terms.some((t) => t.namespaceSelector !== undefined)) this.setFor(this.antiByNamespace, ANY_NAMESPACE).add(sig);
        else for (const t of terms) for (const n of t.namespaces) this.setFor(this.antiByNamespace, n).add(sig);
      }
      this.setFor(this.antiGroups, sig).add(key);
    }
    if (pod.spec.volumes) {
      const ns = pod.metadata.namespace ?? 'default';
      for (const claim of podClaimNames(pod)) this.setFor(this.claims, `${ns}/${claim}`).add(key);
    }
  }

  /** The namespace index, built from the placed pods on first use. */
  private namespaceIndex(): Map<string, Set<string>> {
    if (this.nsIndex) return this.nsIndex;
    const index = new Map<string, Set<string>>();
    // Pods mostly arrive grouped by namespace: reuse the previous pod's set while it matches.
    let lastNs: string | undefined;
    let lastSet: Set<string> | undefined;
    for (const [key, p] of this.placed) {
      const ns = entryPod(p).metadata.namespace ?? 'default';
      let set = ns === lastNs ? lastSet : index.get(ns);
      if (!set) index.set(ns, (set = this.own(new Set<string>())));
      set.add(key);
      lastNs = ns;
      lastSet = set;
    }
    this.nsIndex = index;
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
      if (this.indexedLabels.has(id) || keys.includes(r.key)) continue;
      keys.push(r.key);
    }
    if (keys.length === 0) return;
    for (const k of keys) this.indexedLabels.add(namespace + SEP + k);
    const pool = this.namespaceIndex().get(namespace);
    if (!pool) return;
    const byValue = keys.map(() => new Map<string, Set<string>>());
    // Per key, the previous pod's value and set (siblings sit next to each other in the pool).
    const lastValues: (string | undefined)[] = keys.map(() => undefined);
    const lastSets: (Set<string> | undefined)[] = keys.map(() => undefined);
    for (const key of pool) {
      const labels = entryPod(this.placed.get(key)!).metadata.labels;
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
      for (const [value, set] of byValue[i]!) this.labelIndex.set(labelIndexKey(namespace, keys[i]!, value), set);
    }
  }

  private mutableNode(name: string): MutableNodeInfo {
    const info = this.nodes.get(name);
    if (!info) throw new Error(`Cannot change node "${name}": no such node`);
    if (info.owner === this.token) return info;
    const copy = info.copy(this.token);
    this.nodes.set(name, copy);
    this.ordered = undefined;
    return copy;
  }

  private owns(obj: object): boolean {
    return (obj as Owned)[OWNER] === this.token;
  }

  private own<T extends object>(obj: T): T {
    Object.defineProperty(obj, OWNER, { value: this.token, writable: true, enumerable: false, configurable: true });
    return obj;
  }

  private ownPlaced(): Map<string, Entry> {
    if (!this.placedOwned) {
      this.placed = new Map(this.placed);
      this.placedOwned = true;
    }
    return this.placed;
  }

  private setFor(map: Map<string, Set<string>>, key: string): Set<string> {
    let s = map.get(key);
    if (s && this.owns(s)) return s;
    s = this.own(s ? new Set(s) : new Set<string>());
    map.set(key, s);
    return s;
  }

  private deleteFrom(map: Map<string, Set<string>>, key: string, member: string): void {
    const s = map.get(key);
    if (!s || !s.has(member)) return;
    if (s.size === 1) {
      map.delete(key);
      return;
    }
    this.setFor(map, key).delete(member);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Builds the placement view of a cluster: nodes, and the non-terminal pods bound to them. */
export function buildPlacementState(input: PlacementInput, opts: { journal?: UndoJournal } = {}): PlacementState {
  return new PlacementState(input, opts.journal);
}
