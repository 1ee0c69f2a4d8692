/**
 * DELETE semantics of the real API server, reduced to what the simulator needs: graceful pod
 * termination (deletionTimestamp + grace period; the kubelet controller removes the pod when
 * the grace period is over), finalizers, preconditions and propagation policies. With
 * Background propagation the owner goes now and the garbage-collector controller removes
 * dependents; Orphan strips owner references here; Foreground leaves a `foregroundDeletion`
 * finalizer for the garbage collector to clear.
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import type { MemoryStore } from '../store/memory-store.js';
import { formatTime } from '../store/wall-clock.js';
import { RESOURCES, type ResourceInfo } from './resources.js';
import { ApiError } from './status.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Reads DeleteOptions from a JSON body (protobuf and empty bodies are ignored) and the query. */
export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const opts: DeleteOptions = {};
  const grace = query.get('gracePeriodSeconds') ?? (b.gracePeriodSeconds !== undefined && b.gracePeriodSeconds !== null ? String(b.gracePeriodSeconds) : undefined);
  if (grace !== undefined) {
    if (!/^-?\d+$/.test(grace)) throw new ApiError('BadRequest', `invalid gracePeriodSeconds: ${JSON.stringify(grace)}`);
    opts.gracePeriodSeconds = Number(grace);
  }
  let policy = query.get('propagationPolicy') ?? (typeof b.propagationPolicy === 'string' ? b.propagationPolicy : undefined);
  if (policy === undefined && (query.get('orphanDependents') === 'true' || b.orphanDependents === true)) policy = 'Orphan';
  if (policy !== undefined) {
    if (policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
      throw new ApiError('Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    opts.propagationPolicy = policy;
  }
  const pre = b.preconditions as { uid?: unknown; resourceVersion?: unknown } | undefined;
  if (pre && typeof pre === 'object') {
    opts.preconditions = {};
    if (typeof pre.uid === 'string') opts.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') opts.preconditions.resourceVersion = pre.resourceVersion;
  }
  return opts;
}

function podGracePeriod(pod: Pod, requested: number | undefined): number {
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

/** Removes ownerReferences to `owner` from every object (Orphan propagation). */
function orphanDependents(store: MemoryStore, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  if (!uid) return;
  for (const res of RESOURCES) {
    for (const o of store.list(res.kind, { filter: (x) => (x.metadata.ownerReferences ?? []).some((r) => r.uid === uid) })) {
      store.mutate(res.kind, o.metadata.namespace, o.metadata.name, (x) => {
        x.metadata.ownerReferences = (x.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (x.metadata.ownerReferences.length === 0) delete x.metadata.ownerReferences;
      });
    }
  }
}

/** Deleting a namespace removes everything in it at once (there is no namespace controller). */
function emptyNamespace(store: MemoryStore, ns: string): void {
  for (const res of RESOURCES) {
    if (!res.namespaced) continue;
    for (const o of store.list(res.kind, { namespace: ns })) store.remove(res.kind, ns, o.metadata.name);
  }
}

/**
 * Deletes (or starts deleting) one object. Returns the object as the response shows it: still
 * present with a deletionTimestamp, or its last state when removed.
 */
export function deleteObject(store: MemoryStore, res: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions, nowMs: number): KubeObject {
  const obj = store.get(res.kind, namespace, name);
  if (!obj) throw new ApiError('NotFound', `${res.group ? `${res.plural}.${res.group}` : res.plural} "${name}" not found`, { name, kind: res.plural, ...(res.group ? { group: res.group } : {}) });
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${res.plural} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`, { name, kind: res.plural });
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${res.plural} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`, { name, kind: res.plural });
  }
  const hasFinalizers = (obj.metadata.finalizers ?? []).length > 0;
  if (res.kind === 'Pod') {
    const grace = podGracePeriod(obj as Pod, opts.gracePeriodSeconds);
    if (grace > 0 || hasFinalizers) {
      return store.markDeleting(res.kind, namespace, name, formatTime(nowMs + grace * 1000), grace);
    }
    return store.remove(res.kind, namespace, name);
  }
  if (opts.propagationPolicy === 'Orphan') orphanDependents(store, obj);
  if (opts.propagationPolicy === 'Foreground') {
    return store.markDeleting(res.kind, namespace, name, formatTime(nowMs), 0, 'foregroundDeletion');
  }
  if (hasFinalizers) return store.markDeleting(res.kind, namespace, name, formatTime(nowMs), 0);
  if (res.kind === 'Namespace') emptyNamespace(store, name);
  return store.remove(res.kind, namespace, name);
}
