/**
 * An in-memory ClusterGateway for fast, deterministic unit tests of apply (methods, waves,
 * drift) beside the simulator's integration tests. It keeps nodes, pods, Deployments and
 * StatefulSets; writes behave like the API server's (strategic-merge of the fields sdrain sends,
 * generation bumped on spec changes, UID preconditions answered "gone"); watches are views that
 * are told of every change after the write returns (as a real watch event arrives later).
 *
 * What it does not do, on purpose: run controllers. A test plays them in `react`, called after
 * each write — e.g. "replicas went to 3: a new pod becomes ready 2 s later" on the manual clock.
 * Eviction outcomes can be scripted (`evictions`), PDBs are not evaluated.
 */
import type { ClusterGateway, EvictOutcome, ObjectCache, WatchQuery, WorkloadKind, WorkloadPatch } from '../../cluster/cluster-gateway.js';
import { objectKeyOf } from '../../kube/object-key.js';
import { matches, parseSelector } from '../../kube/selector.js';
import type { Deployment, KubeObject, Node, Pod, StatefulSet } from '../../model/k8s.js';
import { emptySnapshot, type ClusterIdentity, type Snapshot } from '../../model/snapshot.js';
import { compareStrings } from '../../placement/compare-strings.js';

type Workload = Deployment | StatefulSet;

/** One write the gateway received, in order (what tests assert on). */
export type FakeCall =
  | { op: 'patchNode'; name: string; patch: { unschedulable?: boolean | null; annotations?: Record<string, string | null> } }
  | { op: 'patchWorkload'; kind: WorkloadKind; namespace: string; name: string; patch: WorkloadPatch }
  | { op: 'annotatePod'; namespace: string; name: string; annotations: Record<string, string | null> }
  | { op: 'evictPod' | 'deletePod'; namespace: string; name: string };

const key = objectKeyOf;

function mergeAnnotations(current: Record<string, string> | undefined, patch: Record<string, string | null>): Record<string, string> {
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

class FakeView<T extends KubeObject> implements ObjectCache<T> {
  private readonly listeners = new Set<() => void>();
  readonly synced = Promise.resolve();
  constructor(
    private readonly all: () => T[],
    private readonly match: (o: T) => boolean,
    private readonly onStop: () => void,
  ) {}
  items(): T[] {
    return this.all()
      .filter(this.match)
      .sort((a, b) => compareStrings(key(a.metadata.namespace, a.metadata.name), key(b.metadata.namespace, b.metadata.name)));
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify(): void {
    for (const l of [...this.listeners]) l();
  }
  stop(): void {
    this.onStop();
  }
}

export class FakeGateway implements ClusterGateway {
  readonly nodes = new Map<string, Node>();
  readonly pods = new Map<string, Pod>();
  readonly workloads = new Map<string, Workload>();
  readonly calls: FakeCall[] = [];
  /** Scripted answers to evictPod, in order; when empty, pods are evicted (removed). */
  readonly evictions: EvictOutcome[] = [];
  /** Plays the controllers after each write. */
  react: (call: FakeCall, fake: FakeGateway) => void = () => undefined;
  identityValue: ClusterIdentity = { server: 'https://fake', uid: 'kube-system-uid' };
  private readonly views = new Set<FakeView<KubeObject>>();

  /**
   * `objects` are the nodes, pods and workloads it serves and changes; `base` holds everything
   * else readSnapshot returns as is (ReplicaSets, PDBs, namespaces…).
   */
  constructor(
    objects: KubeObject[] = [],
    private readonly base: Snapshot = emptySnapshot(),
  ) {
    for (const o of objects) this.put(o);
  }

  /** A fake serving a planner snapshot (its nodes, pods, Deployments and StatefulSets become live objects). */
  static fromSnapshot(snapshot: Snapshot): FakeGateway {
    const fake = new FakeGateway([...snapshot.nodes, ...snapshot.pods, ...snapshot.deployments, ...snapshot.statefulSets].map((o) => structuredClone(o)), snapshot);
    if (snapshot.cluster.uid !== undefined) fake.identityValue = { ...fake.identityValue, uid: snapshot.cluster.uid };
    return fake;
  }

  /** Adds or replaces an object (no call recorded) and tells the watches. */
  put(o: KubeObject): void {
    if (o.kind === 'Node') this.nodes.set(o.metadata.name, o as Node);
    else if (o.kind === 'Pod') this.pods.set(key(o.metadata.namespace, o.metadata.name), o as Pod);
    else this.workloads.set(`${o.kind}/${key(o.metadata.namespace, o.metadata.name)}`, o as Workload);
    this.changed();
  }

  /** Removes a pod (as its controller or the kubelet would) and tells the watches. */
  removePod(namespace: string, name: string): void {
    this.pods.delete(key(namespace, name));
    this.changed();
  }

  /** Changes a workload in place (status, spec) and tells the watches. */
  updateWorkload(kind: WorkloadKind, namespace: string, name: string, update: (w: Workload) => Workload): void {
    const k = `${kind}/${key(namespace, name)}`;
    const w = this.workloads.get(k);
    if (!w) throw new Error(`no ${k} in the fake cluster`);
    this.workloads.set(k, update(structuredClone(w)));
    this.changed();
  }

  private changed(): void {
    // Like a watch event: delivered after the write's answer.
    queueMicrotask(() => {
      for (const v of [...this.views]) v.notify();
    });
  }

  private record(call: FakeCall): void {
    this.calls.push(call);
    this.changed();
    this.react(call, this);
  }

  async identity(): Promise<ClusterIdentity> {
    return this.identityValue;
  }

  async readSnapshot(): Promise<Snapshot> {
    const s: Snapshot = { ...structuredClone(this.base), cluster: { ...this.identityValue } };
    s.nodes = [...this.nodes.values()].map((o) => structuredClone(o));
    s.pods = [...this.pods.values()].map((o) => structuredClone(o));
    s.deployments = [...this.workloads.values()].filter((w): w is Deployment => w.kind === 'Deployment').map((o) => structuredClone(o));
    s.statefulSets = [...this.workloads.values()].filter((w): w is StatefulSet => w.kind === 'StatefulSet').map((o) => structuredClone(o));
    return s;
  }

  async getNode(name: string): Promise<Node | undefined> {
    return structuredClone(this.nodes.get(name));
  }

  async patchNode(name: string, patch: { unschedulable?: boolean | null; annotations?: Record<string, string | null> }): Promise<Node> {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no Node "${name}" in the fake cluster`);
    const next: Node = structuredClone(n);
    if (patch.unschedulable !== undefined) next.spec = { ...(next.spec ?? {}), unschedulable: patch.unschedulable ?? undefined };
    if (patch.annotations) next.metadata.annotations = mergeAnnotations(next.metadata.annotations, patch.annotations);
    this.nodes.set(name, next);
    this.record({ op: 'patchNode', name, patch });
    return structuredClone(next);
  }

  getWorkload(kind: 'Deployment', namespace: string, name: string): Promise<Deployment | undefined>;
  getWorkload(kind: 'StatefulSet', namespace: string, name: string): Promise<StatefulSet | undefined>;
  getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined>;
  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined> {
    return structuredClone(this.workloads.get(`${kind}/${key(namespace, name)}`));
  }

  async patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: WorkloadPatch): Promise<Workload> {
    const k = `${kind}/${key(namespace, name)}`;
    const w = this.workloads.get(k);
    if (!w) throw new Error(`no ${k} in the fake cluster`);
    const next = structuredClone(w);
    let specChanged = false;
    if (patch.replicas !== undefined && patch.replicas !== next.spec.replicas) {
      next.spec.replicas = patch.replicas;
      specChanged = true;
    }
    if (patch.templateAnnotations) {
      const meta = (next.spec.template.metadata ??= {});
      meta.annotations = { ...(meta.annotations ?? {}), ...patch.templateAnnotations };
      specChanged = true;
    }
    if (patch.annotations) next.metadata.annotations = mergeAnnotations(next.metadata.annotations, patch.annotations);
    if (specChanged) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    this.workloads.set(k, next);
    this.record({ op: 'patchWorkload', kind, namespace, name, patch });
    return structuredClone(next);
  }

  async getPod(namespace: string, name: string): Promise<Pod | undefined> {
    return structuredClone(this.pods.get(key(namespace, name)));
  }

  async listPods(query: { namespace?: string; nodeName?: string; labelSelector?: string }): Promise<Pod[]> {
    const sel = query.labelSelector ? parseSelector(query.labelSelector) : undefined;
    return [...this.pods.values()]
      .filter((p) => (query.namespace === undefined || p.metadata.namespace === query.namespace) && (query.nodeName === undefined || p.spec.nodeName === query.nodeName) && (!sel || matches(sel, p.metadata.labels)))
      .map((p) => structuredClone(p));
  }

  async annotatePod(namespace: string, name: string, uid: string, annotations: Record<string, string | null>): Promise<'patched' | 'gone'> {
    const p = this.pods.get(key(namespace, name));
    if (!p || (p.metadata.uid ?? '') !== uid) return 'gone';
    const next = structuredClone(p);
    next.metadata.annotations = mergeAnnotations(next.metadata.annotations, annotations);
    this.pods.set(key(namespace, name), next);
    this.record({ op: 'annotatePod', namespace, name, annotations });
    return 'patched';
  }

  async evictPod(namespace: string, name: string, uid: string): Promise<EvictOutcome> {
    const p = this.pods.get(key(namespace, name));
    if (!p || (p.metadata.uid ?? '') !== uid) return { kind: 'gone' };
    const outcome = this.evictions.shift() ?? { kind: 'evicted' };
    if (outcome.kind === 'evicted') this.pods.delete(key(namespace, name));
    this.record({ op: 'evictPod', namespace, name });
    return outcome;
  }

  async deletePod(namespace: string, name: string, uid: string): Promise<'deleted' | 'gone'> {
    const p = this.pods.get(key(namespace, name));
    if (!p || (p.metadata.uid ?? '') !== uid) return 'gone';
    this.pods.delete(key(namespace, name));
    this.record({ op: 'deletePod', namespace, name });
    return 'deleted';
  }

  watch<T extends KubeObject>(query: WatchQuery): ObjectCache<T> {
    const sel = query.labelSelector ? parseSelector(query.labelSelector) : undefined;
    const nodeName = /(?:^|,)spec\.nodeName=([^,]*)/.exec(query.fieldSelector ?? '')?.[1];
    const all = (): KubeObject[] =>
      query.kind === 'Node' ? [...this.nodes.values()] : query.kind === 'Pod' ? [...this.pods.values()] : [...this.workloads.values()].filter((w) => w.kind === query.kind);
    const match = (o: KubeObject) =>
      (query.namespace === undefined || o.metadata.namespace === query.namespace) &&
      (query.name === undefined || o.metadata.name === query.name) &&
      (nodeName === undefined || (o as Pod).spec?.nodeName === nodeName) &&
      (!sel || matches(sel, o.metadata.labels));
    const view: FakeView<KubeObject> = new FakeView(all, match, () => this.views.delete(view));
    this.views.add(view);
    return view as unknown as ObjectCache<T>;
  }

  close(): void {
    this.views.clear();
  }
}
