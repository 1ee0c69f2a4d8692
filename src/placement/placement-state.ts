/**
 * A mutable, indexed view of where pods sit, the scheduler-cache equivalent the predicates read.
 * Building it for 150,000 pods must stay cheap although only a few hundred of them will ever be
 * asked about: resource sums are added up without per-pod objects, a node's pod map is built
 * when first read or changed (node-entry.ts), and the namespace and label indexes on the first
 * query that needs them (pod-index.ts). Changes are undone only through an UndoJournal: a state
 * built with one records the undo of every assign, unassign and setUnschedulable there.
 */
import type { KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';
import { isTerminal, podKeyOf } from '../kube/pod.js';
import { addInto, addPlainPodCosts, emptyResources, nodeAllocatable, podCosts, type Resources } from '../kube/resources.js';
import type { Selector } from '../kube/selector.js';
import type { PlacementInput, PlacementProblem } from './types.js';
import { AntiAffinityIndex, type AntiAffinityGroup } from './anti-affinity-index.js';
import { compareStrings } from './compare-strings.js';
import type { NodeInfo } from './node-info.js';
import { NodeEntry } from './node-entry.js';
import { podClaimNames } from './pod-claims.js';
import { PodIndex, type NamespaceScope } from './pod-index.js';
import { entryCosts, entryNode, entryPod, Placed, type Entry, type PodCosts } from './placed-entry.js';
import type { UndoJournal } from './undo-journal.js';

export { compareStrings } from './compare-strings.js';
export { podClaimNames } from './pod-claims.js';
export type { NodeInfo, Taint } from './node-info.js';
export type { NamespaceScope } from './pod-index.js';
export type { PlacementProblem } from './types.js';

/** Entries kept by `nodeDerived` before it starts over. */
const DERIVED_LIMIT = 128;
const EMPTY: ReadonlySet<string> = new Set();

/**
 * The scheduler-cache view. Every method is deterministic; iteration orders that reach callers
 * are sorted (node names) or documented as unordered.
 */
export class PlacementState {
  private nodes = new Map<string, NodeEntry>();
  private names: string[] = [];
  /** The entries in `names` order; undefined after a node is added or removed. */
  private ordered: NodeEntry[] | undefined;
  private placed = new Map<string, Entry>();
  /** Costs computed for pods placed as bare entries. */
  private costCache = new WeakMap<Pod, PodCosts>();
  private index: PodIndex;
  private anti = new AntiAffinityIndex();
  /** Values computed from the nodes alone (`nodeDerived`); dropped whenever a node changes. */
  private derived = new Map<string, unknown>();
  /** Placed pod keys by `namespace/claim`. */
  private claims = new Map<string, Set<string>>();

  /** Claims by `namespace/name`. Never mutated. */
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
    const problems: PlacementProblem[] = [];
    this.problems = problems;
    this.lenient = (object) => (message) => problems.push({ object, message });
    const placed = this.placed;
    this.index = new PodIndex({
      *entries() {
        for (const [key, e] of placed) yield [key, entryPod(e)];
      },
      get: (key) => {
        const e = placed.get(key);
        return e === undefined ? undefined : entryPod(e);
      },
    });
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
      this.indexExtras(pod, key, 1);
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

  /** Adds or replaces a node, keeping the pods already placed on it. Not journaled. */
  upsertNode(node: Node, keepSorted = true): void {
    const name = node.metadata.name;
    const labels = { ...(node.metadata.labels ?? {}) };
    const taints = (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
    const allocatable = nodeAllocatable(node, this.lenient?.(`Node "${name}"`));
    const unschedulable = node.spec?.unschedulable === true;
    const prev = this.nodes.get(name);
    if (prev) {
      prev.node = node;
      prev.labels = labels;
      prev.taints = taints;
      prev.allocatable = allocatable;
      prev.unschedulable = unschedulable;
    } else {
      this.nodes.set(name, new NodeEntry(name, node, unschedulable, labels, taints, allocatable, emptyResources(), emptyResources()));
      this.ordered = undefined;
      if (keepSorted) this.names = [...this.names, name].sort(compareStrings);
    }
    this.derived = new Map();
  }

  /** Removes a node and forgets the pods placed on it. Not journaled. */
  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    for (const key of [...info.pods.keys()]) this.unassign(key);
    this.nodes.delete(name);
    this.ordered = undefined;
    this.derived = new Map();
    this.names = this.names.filter((n) => n !== name);
  }

  /** Cordons or uncordons a node (what the planner does to a wave's nodes). */
  setUnschedulable(nodeName: string, unschedulable: boolean): void {
    const info = this.entry(nodeName);
    const prev = info.unschedulable;
    info.unschedulable = unschedulable;
    this.journal?.record(() => this.setUnschedulable(nodeName, prev));
  }

  /**
   * Places `pod` on `nodeName` (moving it if it is placed elsewhere), whatever the predicates say:
   * callers decide with a Scheduler or `checkPodOnNode` first. Pods are identified by `podKey`,
   * so replacements must carry distinct names. Throws on an unknown node.
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

  /** Removes a pod (by object or `podKey`) from its node. Returns false when it was not placed. */
  unassign(pod: Pod | string): boolean {
    const key = typeof pod === 'string' ? pod : podKeyOf(pod);
    const entry = this.placed.get(key);
    if (entry === undefined) return false;
    const costs = this.placedCosts(entry);
    const node = entryNode(entry);
    const placed = entryPod(entry);
    const info = this.entry(node);
    info.mutablePods().delete(key);
    addInto(info.requested, costs.request, -1);
    addInto(info.nonZeroRequested, costs.nonZero, -1);
    this.placed.delete(key);
    this.index.removed(key, placed);
    this.indexExtras(placed, key, -1);
    this.journal?.record(() => this.place(placed, key, node, costs));
    return true;
  }

  /** Keys of placed pods whose claims include `namespace/claim`. Unordered. */
  claimUsers(namespace: string, claim: string): ReadonlySet<string> {
    return this.claims.get(`${namespace}/${claim}`) ?? EMPTY;
  }

  /**
   * Placed pods with required anti-affinity, grouped by identical compiled terms, whose terms can
   * select a pod of `namespace` (see anti-affinity-index.ts). Unordered.
   */
  antiAffinityGroupsFor(namespace: string): Iterable<AntiAffinityGroup> {
    return this.anti.groupsFor(namespace);
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

  /**
   * Placed pods in `scope` whose labels may satisfy `selector` (narrowed through the label
   * index; callers still check the full selector). Unordered.
   */
  candidatePods(scope: NamespaceScope, selector: Selector): Iterable<Pod> {
    return this.index.candidates(scope, selector);
  }

  /** assign's bookkeeping, with the pod's costs known (also how an unassign is undone). */
  private place(pod: Pod, key: string, nodeName: string, costs: PodCosts): void {
    const info = this.entry(nodeName);
    info.mutablePods().set(key, pod);
    addInto(info.requested, costs.request);
    addInto(info.nonZeroRequested, costs.nonZero);
    this.placed.set(key, new Placed(pod, nodeName, costs));
    this.index.added(key, pod);
    this.indexExtras(pod, key, 1);
  }

  private placedCosts(e: Entry): PodCosts {
    return entryCosts(e, this.costCache);
  }

  /** Adds (1) or removes (−1) what few pods have: required anti-affinity and claims. */
  private indexExtras(pod: Pod, key: string, sign: 1 | -1): void {
    if (sign > 0) this.anti.add(key, pod);
    else this.anti.remove(key, pod);
    if (!pod.spec.volumes) return;
    const ns = pod.metadata.namespace ?? 'default';
    for (const claim of podClaimNames(pod)) {
      const id = `${ns}/${claim}`;
      let users = this.claims.get(id);
      if (sign > 0) {
        if (!users) this.claims.set(id, (users = new Set()));
        users.add(key);
      } else if (users?.delete(key) && users.size === 0) {
        this.claims.delete(id);
      }
    }
  }

  private entry(name: string): NodeEntry {
    const info = this.nodes.get(name);
    if (!info) throw new Error(`Cannot change node "${name}": no such node`);
    return info;
  }
}

/**
 * Builds the placement view of a cluster: nodes, and the non-terminal pods bound to them. With
 * `journal`, changes record their undo there (see UndoJournal).
 */
export function buildPlacementState(input: PlacementInput, opts: { journal?: UndoJournal } = {}): PlacementState {
  return new PlacementState(input, opts.journal);
}
