/**
 * The controllers' informer: one in-memory view of the kinds they watch, kept current from
 * store events, with the indexes a 150,000-pod cluster needs (pods by node, dependents by owner
 * uid, objects by namespace). The store notifies synchronously, so unlike client-go's informers
 * this cache never lags behind a controller's own writes and no "expectations" are needed.
 *
 * Cached objects are shared, read-only snapshots: never mutate them; write through the store.
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import type { Store, StoreEvent } from '../store/types.js';

/** The kinds the controllers read. Events of other kinds are ignored. */
export const WATCHED_KINDS = [
  'Node',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'PodDisruptionBudget',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'ControllerRevision',
  'Namespace',
  'ServiceAccount',
] as const;

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: { metadata: { namespace?: string; name: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** Splits an objectKey back into namespace (undefined when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

function addTo<K, V>(index: Map<K, Set<V>>, k: K, v: V): void {
  let set = index.get(k);
  if (!set) index.set(k, (set = new Set()));
  set.add(v);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, k: K, v: V): void {
  const set = index.get(k);
  if (!set) return;
  set.delete(v);
  if (set.size === 0) index.delete(k);
}

/** A kind-qualified key, for indexes spanning kinds. */
function refKey(kind: string, key: string): string {
  return `${kind}|${key}`;
}

/** See the file comment; built from one list per kind, then kept current by `apply`. */
export class ObjectCache {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly byNamespace = new Map<string, Map<string, Set<string>>>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly byUid = new Map<string, string>();
  /** Pods by `namespace\0key\0value` of each label, to narrow selector matches. */
  private readonly podsByLabel = new Map<string, Set<string>>();

  constructor(store: Store) {
    for (const kind of WATCHED_KINDS) {
      this.objects.set(kind, new Map());
      this.byNamespace.set(kind, new Map());
      for (const obj of store.list(kind)) this.put(kind, obj);
    }
  }

  /** Applies a store event; returns false for kinds the cache does not hold. */
  apply(ev: StoreEvent): boolean {
    if (!this.objects.has(ev.kind)) return false;
    const key = objectKey(ev.object);
    const previous = this.objects.get(ev.kind)!.get(key);
    if (previous) this.drop(ev.kind, key, previous);
    if (ev.type !== 'DELETED') this.put(ev.kind, ev.object);
    return true;
  }

  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(kind)?.get(namespace ? `${namespace}/${name}` : name) as T | undefined;
  }

  getByKey<T extends KubeObject>(kind: string, key: string): T | undefined {
    return this.objects.get(kind)?.get(key) as T | undefined;
  }

  /** The object with `uid` (any watched kind), with its kind. */
  getByUid(uid: string): { kind: string; object: KubeObject } | undefined {
    const ref = this.byUid.get(uid);
    if (!ref) return undefined;
    const sep = ref.indexOf('|');
    const kind = ref.slice(0, sep);
    const object = this.objects.get(kind)?.get(ref.slice(sep + 1));
    return object ? { kind, object } : undefined;
  }

  /** Every object of `kind` (unsorted; callers sort what they emit). */
  all<T extends KubeObject>(kind: string): IterableIterator<T> {
    return (this.objects.get(kind) ?? new Map()).values() as IterableIterator<T>;
  }

  count(kind: string): number {
    return this.objects.get(kind)?.size ?? 0;
  }

  /** Objects of `kind` in `namespace`. */
  inNamespace<T extends KubeObject>(kind: string, namespace: string): T[] {
    const keys = this.byNamespace.get(kind)?.get(namespace);
    if (!keys) return [];
    const objs = this.objects.get(kind)!;
    const out: T[] = [];
    for (const k of keys) out.push(objs.get(k) as T);
    return out;
  }

  /** Pods whose spec.nodeName is `node`. */
  podsOnNode(node: string): Pod[] {
    const keys = this.podsByNode.get(node);
    if (!keys) return [];
    const pods = this.objects.get('Pod')!;
    const out: Pod[] = [];
    for (const k of keys) out.push(pods.get(k) as Pod);
    return out;
  }

  /**
   * Pods in `namespace` that may match a selector with these matchLabels: the smallest label
   * bucket (callers still check the full selector); every pod in the namespace when empty.
   */
  podCandidates(namespace: string, matchLabels: Record<string, string> | undefined): Pod[] {
    const entries = Object.entries(matchLabels ?? {});
    if (entries.length === 0) return this.inNamespace<Pod>('Pod', namespace);
    let best: Set<string> | undefined;
    for (const [k, v] of entries) {
      const set = this.podsByLabel.get(`${namespace}\0${k}\0${v}`);
      if (!set) return [];
      if (!best || set.size < best.size) best = set;
    }
    const pods = this.objects.get('Pod')!;
    const out: Pod[] = [];
    for (const key of best!) out.push(pods.get(key) as Pod);
    return out;
  }

  /** Objects (any watched kind) with an ownerReference to `ownerUid`. */
  dependentsOf(ownerUid: string): { kind: string; object: KubeObject }[] {
    const refs = this.dependents.get(ownerUid);
    if (!refs) return [];
    const out: { kind: string; object: KubeObject }[] = [];
    for (const ref of refs) {
      const sep = ref.indexOf('|');
      const kind = ref.slice(0, sep);
      const object = this.objects.get(kind)?.get(ref.slice(sep + 1));
      if (object) out.push({ kind, object });
    }
    return out;
  }

  /** Objects of `kind` whose controller ownerReference has `ownerUid`. */
  controlledBy<T extends KubeObject>(kind: string, ownerUid: string): T[] {
    const out: T[] = [];
    for (const d of this.dependentsOf(ownerUid)) {
      if (d.kind !== kind) continue;
      if (d.object.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUid)) out.push(d.object as T);
    }
    return out;
  }

  private put(kind: string, obj: KubeObject): void {
    const key = objectKey(obj);
    this.objects.get(kind)!.set(key, obj);
    const ns = obj.metadata.namespace ?? '';
    addTo(this.byNamespace.get(kind)!, ns, key);
    if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, refKey(kind, key));
    for (const ref of obj.metadata.ownerReferences ?? []) addTo(this.dependents, ref.uid, refKey(kind, key));
    if (kind === 'Pod') {
      const node = (obj as Pod).spec?.nodeName;
      if (node) addTo(this.podsByNode, node, key);
      for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) addTo(this.podsByLabel, `${ns}\0${k}\0${v}`, key);
    }
  }

  private drop(kind: string, key: string, obj: KubeObject): void {
    this.objects.get(kind)!.delete(key);
    removeFrom(this.byNamespace.get(kind)!, obj.metadata.namespace ?? '', key);
    if (obj.metadata.uid && this.byUid.get(obj.metadata.uid) === refKey(kind, key)) this.byUid.delete(obj.metadata.uid);
    for (const ref of obj.metadata.ownerReferences ?? []) removeFrom(this.dependents, ref.uid, refKey(kind, key));
    if (kind === 'Pod') {
      const node = (obj as Pod).spec?.nodeName;
      if (node) removeFrom(this.podsByNode, node, key);
      const ns = obj.metadata.namespace ?? '';
      for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) removeFrom(this.podsByLabel, `${ns}\0${k}\0${v}`, key);
    }
  }
}
