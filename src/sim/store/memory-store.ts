/**
 * The simulator's object store: plain JSON objects in memory, one global integer
 * resourceVersion, and a bounded per-kind event log for resuming watches. Implements the Store
 * contract in ./types.ts; every method is synchronous so the single-threaded event loop gives
 * us linearizable writes for free.
 */
import type { KubeObject } from '../../model/k8s.js';
import { objectKeyOf } from '../../kube/object-key.js';
import { matches } from '../../kube/selector.js';
import { StoreError, type Clock, type ListOptions, type Store, type StoreEvent, type WriteOptions } from './types.js';
import { mulberry32, nameSuffix, seededUuid } from './seeded-random.js';
import { formatTime, wallClock } from './wall-clock.js';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Seed for generateName suffixes and uids; the same seed gives the same names. */
  seed?: number;
  /** Events kept per kind for watch resume; older resourceVersions get 410 Gone. */
  eventLogSize?: number;
  /** The first resourceVersion handed out is this + 1 (real servers never start at 1). */
  initialResourceVersion?: number;
}

const keyOf = objectKeyOf;

function clone<T>(v: T): T {
  return structuredClone(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** In-memory Store; see ./types.ts for the contract each method keeps. */
export class MemoryStore implements Store {
  readonly clock: Clock;
  readonly random: () => number;
  private rv: number;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly logs = new Map<string, StoreEvent[]>();
  /** Per kind: events at or below this resourceVersion are no longer in the log. */
  private readonly compacted = new Map<string, number>();
  private readonly listeners: ((e: StoreEvent) => void)[] = [];
  private readonly logSize: number;
  private readonly firstRv: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? wallClock;
    this.random = mulberry32(opts.seed ?? 1);
    this.rv = opts.initialResourceVersion ?? 1000;
    this.firstRv = this.rv;
    this.logSize = opts.eventLogSize ?? 10_000;
  }

  private bucket(kind: string): Map<string, KubeObject> {
    let b = this.objects.get(kind);
    if (!b) {
      b = new Map();
      this.objects.set(kind, b);
    }
    return b;
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const o = this.objects.get(kind)?.get(keyOf(namespace, name));
    return o === undefined ? undefined : (clone(o) as T);
  }

  list<T extends KubeObject = KubeObject>(kind: string, opts: ListOptions = {}): T[] {
    const out: T[] = [];
    for (const o of this.objects.get(kind)?.values() ?? []) {
      if (opts.namespace !== undefined && (o.metadata.namespace ?? '') !== opts.namespace) continue;
      if (opts.labelSelector && !matches(opts.labelSelector, o.metadata.labels)) continue;
      if (opts.filter && !opts.filter(o)) continue;
      out.push(clone(o) as T);
    }
    return out.sort(compareObjects);
  }

  /** Every kind that currently has at least one object, sorted. */
  kinds(): string[] {
    return [...this.objects.entries()].filter(([, m]) => m.size > 0).map(([k]) => k).sort();
  }

  /** Number of stored objects of `kind` (no copies). */
  count(kind: string): number {
    return this.objects.get(kind)?.size ?? 0;
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  create<T extends KubeObject>(obj: T): T {
    const o = clone(obj);
    const meta = o.metadata ?? ({} as T['metadata']);
    o.metadata = meta;
    if (!meta.name) {
      if (!meta.generateName) {
        throw new StoreError('Invalid', `${o.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, {
          kind: o.kind,
          causes: [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }],
        });
      }
      // Like the real server, retry is the client's job; we just avoid clashes we can see.
      let name = '';
      for (let i = 0; i < 10; i++) {
        name = meta.generateName + nameSuffix(this.random);
        if (!this.objects.get(o.kind)?.has(keyOf(meta.namespace, name))) break;
      }
      meta.name = name;
    }
    meta.uid = seededUuid(this.random);
    meta.creationTimestamp = formatTime(this.clock.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (o.spec !== undefined) meta.generation = 1;
    else delete meta.generation;
    return this.insert(o);
  }

  /**
   * Inserts an object as loaded from a dump: keeps uid, creationTimestamp, generation and
   * status (a uid is drawn only when missing); stamps a fresh resourceVersion.
   */
  load<T extends KubeObject>(obj: T): T {
    const o = clone(obj);
    if (!o.metadata.uid) o.metadata.uid = seededUuid(this.random);
    if (!o.metadata.creationTimestamp) o.metadata.creationTimestamp = formatTime(this.clock.now());
    if (o.spec !== undefined && o.metadata.generation === undefined) o.metadata.generation = 1;
    return this.insert(o);
  }

  private insert<T extends KubeObject>(o: T): T {
    const b = this.bucket(o.kind);
    const key = keyOf(o.metadata.namespace, o.metadata.name);
    if (b.has(key)) {
      throw new StoreError('AlreadyExists', `${pluralHint(o.kind)} "${o.metadata.name}" already exists`, { kind: o.kind, name: o.metadata.name });
    }
    o.metadata.resourceVersion = String(++this.rv);
    b.set(key, o);
    this.emit({ type: 'ADDED', kind: o.kind, object: clone(o), resourceVersion: this.rv });
    return clone(o);
  }

  update<T extends KubeObject>(obj: T, opts: WriteOptions = {}): T {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    const existing = this.objects.get(obj.kind)?.get(keyOf(ns, name));
    if (!existing) throw notFound(obj.kind, ns, name);
    const check = opts.checkResourceVersion ?? true;
    const sentRv = obj.metadata.resourceVersion;
    if (check && sentRv !== undefined && sentRv !== '' && sentRv !== existing.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${pluralHint(obj.kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { kind: obj.kind, name },
      );
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = clone(existing);
      if (obj.status === undefined) delete next.status;
      else next.status = clone(obj.status);
    } else {
      next = clone(obj);
      if (STATUS_KINDS.has(obj.kind)) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
    }
    return this.commit(existing, next) as T;
  }

  /** Keeps identity and deletion metadata, bumps generation on spec change, skips no-ops. */
  private commit(existing: KubeObject, next: KubeObject): KubeObject {
    const em = existing.metadata;
    next.metadata = { ...next.metadata };
    const nm = next.metadata;
    nm.name = em.name;
    if (em.namespace === undefined) delete nm.namespace;
    else nm.namespace = em.namespace;
    nm.uid = em.uid;
    nm.creationTimestamp = em.creationTimestamp;
    if (em.deletionTimestamp === undefined) delete nm.deletionTimestamp;
    else nm.deletionTimestamp = em.deletionTimestamp;
    if (em.deletionGracePeriodSeconds === undefined) delete nm.deletionGracePeriodSeconds;
    else nm.deletionGracePeriodSeconds = em.deletionGracePeriodSeconds;
    if (em.generation === undefined) delete nm.generation;
    else nm.generation = em.generation + (same(existing.spec, next.spec) ? 0 : 1);
    nm.resourceVersion = em.resourceVersion;
    if (same(existing, next)) return clone(existing);
    // A terminating object whose last finalizer went away (and whose grace is over) is gone.
    if (nm.deletionTimestamp !== undefined && (nm.finalizers ?? []).length === 0 && (nm.deletionGracePeriodSeconds ?? 0) === 0) {
      this.bucket(next.kind).set(keyOf(em.namespace, em.name), next);
      return this.remove(next.kind, em.namespace, em.name);
    }
    nm.resourceVersion = String(++this.rv);
    this.bucket(next.kind).set(keyOf(em.namespace, em.name), next);
    this.emit({ type: 'MODIFIED', kind: next.kind, object: clone(next), old: clone(existing), resourceVersion: this.rv });
    return clone(next);
  }

  mutate<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
    fn: (obj: T) => void | false,
    opts: { subresource?: 'status' } = {},
  ): T | undefined {
    const existing = this.objects.get(kind)?.get(keyOf(namespace, name));
    if (!existing) return undefined;
    const copy = clone(existing) as T;
    if (fn(copy) === false) return clone(existing) as T;
    let next: KubeObject = copy;
    if (opts.subresource === 'status') {
      next = clone(existing);
      if (copy.status === undefined) delete next.status;
      else next.status = copy.status;
    }
    next.kind = existing.kind;
    return this.commit(existing, next) as T;
  }

  /**
   * Marks an object as terminating (deletionTimestamp, grace period) without the generation or
   * identity checks of update; used by the API's DELETE for graceful pod deletion and finalizers.
   */
  markDeleting<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string, deletionTimestamp: string, graceSeconds: number, addFinalizer?: string): T {
    const existing = this.objects.get(kind)?.get(keyOf(namespace, name));
    if (!existing) throw notFound(kind, namespace, name);
    const next = clone(existing);
    next.metadata.deletionTimestamp = existing.metadata.deletionTimestamp ?? deletionTimestamp;
    if (existing.metadata.deletionTimestamp !== undefined && deletionTimestamp < existing.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = deletionTimestamp; // a shorter grace period wins
    }
    const oldGrace = existing.metadata.deletionGracePeriodSeconds;
    next.metadata.deletionGracePeriodSeconds = oldGrace === undefined ? graceSeconds : Math.min(oldGrace, graceSeconds);
    if (addFinalizer && !(next.metadata.finalizers ?? []).includes(addFinalizer)) {
      next.metadata.finalizers = [...(next.metadata.finalizers ?? []), addFinalizer];
    }
    if (next.metadata.generation !== undefined && existing.metadata.deletionTimestamp === undefined) next.metadata.generation += 1;
    if (same(existing, next)) return clone(existing) as T;
    next.metadata.resourceVersion = String(++this.rv);
    this.bucket(kind).set(keyOf(namespace, name), next);
    this.emit({ type: 'MODIFIED', kind, object: clone(next), old: clone(existing), resourceVersion: this.rv });
    return clone(next) as T;
  }

  remove<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string, opts: { uid?: string } = {}): T {
    const b = this.objects.get(kind);
    const key = keyOf(namespace, name);
    const existing = b?.get(key);
    if (!b || !existing) throw notFound(kind, namespace, name);
    if (opts.uid !== undefined && existing.metadata.uid !== opts.uid) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${pluralHint(kind)} "${name}": Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`,
        { kind, name },
      );
    }
    b.delete(key);
    const last = clone(existing);
    last.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', kind, object: last, old: clone(existing), resourceVersion: this.rv });
    return clone(last) as T;
  }

  on(listener: (event: StoreEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  eventsSince(kind: string, resourceVersion: number): StoreEvent[] | 'gone' {
    const floor = this.compacted.get(kind) ?? this.firstRv;
    if (resourceVersion < floor) return 'gone';
    const log = this.logs.get(kind) ?? [];
    // Binary search for the first event after resourceVersion.
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid]!.resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return log.slice(lo);
  }

  private emit(event: StoreEvent): void {
    let log = this.logs.get(event.kind);
    if (!log) {
      log = [];
      this.logs.set(event.kind, log);
    }
    log.push(event);
    if (log.length > this.logSize) {
      const dropped = log.splice(0, log.length - this.logSize);
      this.compacted.set(event.kind, dropped[dropped.length - 1]!.resourceVersion);
    }
    for (const l of [...this.listeners]) l(event);
  }
}

/**
 * Kinds whose status is written only through the status subresource; a plain update keeps the
 * stored status. Other kinds (Lease, ControllerRevision, Namespace, passive kinds) are written whole.
 */
const STATUS_KINDS = new Set([
  'Pod', 'Node', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'PodDisruptionBudget',
  'PersistentVolumeClaim', 'PersistentVolume', 'HorizontalPodAutoscaler', 'ReplicationController',
]);

/** Sorted by namespace then name, plain code-unit order. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The lower-case plural the real server names in messages (`pods "x" not found`). */
export function pluralHint(kind: string): string {
  const special: Record<string, string> = {
    PodDisruptionBudget: 'poddisruptionbudgets.policy',
    Deployment: 'deployments.apps',
    ReplicaSet: 'replicasets.apps',
    StatefulSet: 'statefulsets.apps',
    DaemonSet: 'daemonsets.apps',
    ControllerRevision: 'controllerrevisions.apps',
    Job: 'jobs.batch',
    CronJob: 'cronjobs.batch',
    Lease: 'leases.coordination.k8s.io',
    HorizontalPodAutoscaler: 'horizontalpodautoscalers.autoscaling',
    StorageClass: 'storageclasses.storage.k8s.io',
    PriorityClass: 'priorityclasses.scheduling.k8s.io',
    PersistentVolumeClaim: 'persistentvolumeclaims',
    PersistentVolume: 'persistentvolumes',
  };
  return special[kind] ?? `${kind.toLowerCase()}s`;
}

function notFound(kind: string, namespace: string | undefined, name: string | undefined): StoreError {
  return new StoreError('NotFound', `${pluralHint(kind)} "${name ?? ''}" not found`, { kind, name });
}
