/**
 * A mutable, indexed view of where pods sit, the scheduler-cache equivalent the predicates read.
 * Pods are indexed by node, namespace, label and claim so that affinity, spread and volume checks
 * cost the number of matching pods, not the number of pods in the cluster. `clone()` is
 * copy-on-write: the copy shares every index until one side changes it, so cloning per wave of a
 * 150,000-pod plan stays cheap.
 */
import type { KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';
import { isTerminal, podKeyOf } from '../kube/pod.js';
import { addInto, cloneResources, emptyResources, nodeAllocatable, podRequests, type Resources } from '../kube/resources.js';
import type { Requirement, Selector } from '../kube/selector.js';
import type { PlacementInput } from './types.js';
import { requiredAntiAffinityTerms, termsSignature, type CompiledTerm } from './affinity-term.js';
import { compareStrings } from './compare-strings.js';
import type { NodeInfo, Taint } from './node-info.js';
import { podClaimNames } from './pod-claims.js';

export { compareStrings } from './compare-strings.js';
export { podClaimNames } from './pod-claims.js';
export type { NodeInfo, Taint } from './node-info.js';

interface MutableNodeInfo {
  name: string;
  node: Node;
  unschedulable: boolean;
  labels: Record<string, string>;
  taints: Taint[];
  allocatable: Resources;
  requested: Resources;
  nonZeroRequested: Resources;
  pods: Map<string, Pod>;
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

/** A placed pod: the object, its node and its precomputed costs. */
interface Placed extends PodCosts {
  pod: Pod;
  node: string;
}

/** Property holding the token of the PlacementState allowed to mutate a shared container in place. */
const OWNER = Symbol('placement-owner');
type Owned = { [OWNER]?: object };

const SEP = '\u0000';

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
  private placed: Map<string, Placed>;
  /** Whether `placed` is this instance's own copy (checked on every assign, so a flag, not a tag). */
  private placedOwned: boolean;
  private nsIndex: Map<string, Set<string>>;
  private labelIndex: Map<string, Set<string>>;
  /** Placed pods with required anti-affinity, grouped by identical compiled terms. */
  private antiGroups: Map<string, Set<string>>;
  private antiTerms: Map<string, CompiledTerm[]>;
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

  /** Use `buildPlacementState`. */
  constructor(input: PlacementInput) {
    this.nodes = new Map();
    this.names = [];
    this.placed = new Map();
    this.placedOwned = true;
    this.nsIndex = new Map();
    this.labelIndex = new Map();
    this.antiGroups = new Map();
    this.antiTerms = new Map();
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
    for (const pod of input.pods) {
      const nodeName = pod.spec.nodeName;
      if (!nodeName || isTerminal(pod) || !this.nodes.has(nodeName)) continue;
      this.assign(pod, nodeName);
    }
    this.lenient = undefined;
  }

  /** Node names in sorted (code-unit) order. */
  nodeNames(): readonly string[] {
    return this.names;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** The node a pod (or pod key) is placed on here. */
  nodeOf(pod: Pod | string): string | undefined {
    return this.placed.get(typeof pod === 'string' ? pod : podKeyOf(pod))?.node;
  }

  /** A placed pod by `podKey`. */
  getPod(key: string): Pod | undefined {
    return this.placed.get(key)?.pod;
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
    if (p && p.pod === pod) return p;
    const onInvalid = this.lenient?.(`Pod "${podKeyOf(pod)}"`);
    // Report each invalid quantity once, not for both computations.
    return { request: podRequests(pod, { onInvalid }), nonZero: podRequests(pod, { nonZero: true, onInvalid: onInvalid && (() => {}) }) };
  }

  /** Adds or replaces a node, keeping the pods already placed on it. */
  upsertNode(node: Node, keepSorted = true): void {
    const name = node.metadata.name;
    const prev = this.nodes.get(name);
    const info: MutableNodeInfo = {
      name,
      node,
      unschedulable: node.spec?.unschedulable === true,
      labels: { ...(node.metadata.labels ?? {}) },
      taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      allocatable: nodeAllocatable(node, this.lenient?.(`Node "${name}"`)),
      requested: prev ? cloneResources(prev.requested) : emptyResources(),
      nonZeroRequested: prev ? cloneResources(prev.nonZeroRequested) : emptyResources(),
      pods: prev ? new Map(prev.pods) : new Map(),
    };
    this.own(info);
    this.nodes.set(name, info);
    if (!prev && keepSorted) this.names = [...this.names, name].sort(compareStrings);
  }

  /** Removes a node and forgets the pods placed on it. */
  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    for (const pod of [...info.pods.values()]) this.unassign(pod);
    this.nodes.delete(name);
    this.names = this.names.filter((n) => n !== name);
  }

  /** Cordons or uncordons a node (what the planner does to a wave's nodes). */
  setUnschedulable(nodeName: string, unschedulable: boolean): void {
    const info = this.mutableNode(nodeName);
    info.unschedulable = unschedulable;
  }

  /**
   * Places `pod` on `nodeName` (moving it if it is placed elsewhere), whatever the predicates say:
   * callers decide with `scheduleOne`/`checkPodOnNode` first. Pods are identified by `podKey`, so
   * replacements must carry distinct names. Throws on an unknown node.
   */
  assign(pod: Pod, nodeName: string): void {
    if (!this.nodes.has(nodeName)) throw new Error(`Cannot place pod "${podKeyOf(pod)}" on node "${nodeName}": no such node`);
    const key = podKeyOf(pod);
    const costs = this.costsOf(pod);
    if (this.placed.has(key)) this.unassign(key);
    const info = this.mutableNode(nodeName);
    info.pods.set(key, pod);
    addInto(info.requested, costs.request);
    addInto(info.nonZeroRequested, costs.nonZero);
    this.ownPlaced().set(key, { pod, node: nodeName, request: costs.request, nonZero: costs.nonZero });
    const ns = pod.metadata.namespace ?? 'default';
    this.setFor(this.nsIndex, ns).add(key);
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) this.setFor(this.labelIndex, labelIndexKey(ns, k, v)).add(key);
    if (hasRequiredAntiAffinity(pod)) {
      const terms = requiredAntiAffinityTerms(pod);
      const sig = termsSignature(terms);
      if (!this.antiTerms.has(sig)) this.antiTerms.set(sig, terms);
      this.setFor(this.antiGroups, sig).add(key);
    }
    for (const claim of podClaimNames(pod)) this.setFor(this.claims, `${ns}/${claim}`).add(key);
  }

  /** Removes a pod (by object or `podKey`) from its node. Returns false when it was not placed. */
  unassign(pod: Pod | string): boolean {
    const key = typeof pod === 'string' ? pod : podKeyOf(pod);
    const entry = this.placed.get(key);
    if (entry === undefined) return false;
    const info = this.mutableNode(entry.node);
    const placed = entry.pod;
    info.pods.delete(key);
    addInto(info.requested, entry.request, -1);
    addInto(info.nonZeroRequested, entry.nonZero, -1);
    this.ownPlaced().delete(key);
    const ns = placed.metadata.namespace ?? 'default';
    this.deleteFrom(this.nsIndex, ns, key);
    for (const [k, v] of Object.entries(placed.metadata.labels ?? {})) this.deleteFrom(this.labelIndex, labelIndexKey(ns, k, v), key);
    if (hasRequiredAntiAffinity(placed)) this.deleteFrom(this.antiGroups, termsSignature(requiredAntiAffinityTerms(placed)), key);
    for (const claim of podClaimNames(placed)) this.deleteFrom(this.claims, `${ns}/${claim}`, key);
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
    copy.nsIndex = new Map(this.nsIndex);
    copy.labelIndex = new Map(this.labelIndex);
    copy.claims = new Map(this.claims);
    copy.antiGroups = new Map(this.antiGroups);
    copy.antiTerms = new Map(this.antiTerms);
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
        if (p) yield p.pod;
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

  /** Namespaces that have placed pods. Unordered. */
  namespacesWithPods(): Iterable<string> {
    return this.nsIndex.keys();
  }

  /**
   * Placed pods in `scope` whose labels may satisfy `selector`: narrowed through the label index
   * by the most selective Equals/In requirement. Callers still check the full selector. Unordered.
   */
  *candidatePods(scope: NamespaceScope, selector: Selector): Iterable<Pod> {
    const namespaces = scope.all === true ? [...this.nsIndex.keys()] : [...scope.names];
    const narrowing = selector.filter((r): r is Requirement => (r.operator === 'Equals' || r.operator === 'In') && r.values.length > 0);
    for (const ns of namespaces) {
      let best: Set<string>[] | undefined;
      let bestSize = Infinity;
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
      const pools = best ?? [this.nsIndex.get(ns) ?? EMPTY];
      for (const pool of pools) {
        for (const key of pool) {
          const p = this.placed.get(key);
          if (p) yield p.pod;
        }
      }
    }
  }

  private mutableNode(name: string): MutableNodeInfo {
    const info = this.nodes.get(name);
    if (!info) throw new Error(`Cannot change node "${name}": no such node`);
    if (this.owns(info)) return info;
    const copy: MutableNodeInfo = {
      ...info,
      labels: info.labels,
      taints: info.taints,
      requested: cloneResources(info.requested),
      nonZeroRequested: cloneResources(info.nonZeroRequested),
      pods: new Map(info.pods),
    };
    this.own(copy);
    this.nodes.set(name, copy);
    return copy;
  }

  private owns(obj: object): boolean {
    return (obj as Owned)[OWNER] === this.token;
  }

  private own<T extends object>(obj: T): T {
    Object.defineProperty(obj, OWNER, { value: this.token, writable: true, enumerable: false, configurable: true });
    return obj;
  }

  private ownPlaced(): Map<string, Placed> {
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

/** Builds the placement view of a cluster: nodes, and the non-terminal pods bound to them. */
export function buildPlacementState(input: PlacementInput): PlacementState {
  return new PlacementState(input);
}
