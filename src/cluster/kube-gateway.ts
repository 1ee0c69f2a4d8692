/**
 * The ClusterGateway over a real (or simulated) API server: strategic-merge patches exactly
 * like kubectl's cordon and rollout restart, evictions and deletions with UID preconditions,
 * and list+watch caches. API failures become ClusterErrors naming the action and the object,
 * never carrying headers or tokens.
 *
 * Narrow watches: readSnapshot reads the cluster exactly as `sdrain plan` does (read-snapshot.ts)
 * and keeps nothing watching; each later wait (a wave node's pods, one workload, one pod, one
 * node) is its own LIST + WATCH narrowed on the server by a field selector (spec.nodeName,
 * metadata.name), in the object's namespace when it has one. On a large cluster apply so
 * receives the events of the objects it waits on, not of every pod and node in the cluster
 * (bench/RESULTS.md §6): a few more, small requests (a LIST + WATCH per wait) instead of one
 * cluster-wide LIST + WATCH per kind. Each narrowed cache resumes from its own resourceVersion
 * and re-lists after 410 Gone (watch-cache.ts); every eviction still carries the pod's UID as a
 * precondition.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Deployment, Node, Pod, StatefulSet, KubeObject } from '../model/k8s.js';
import type { ClusterIdentity, Snapshot } from '../model/snapshot.js';
import type { ClusterGateway, EvictOutcome, WatchQuery, WorkloadKind, WorkloadPatch, ObjectCache } from './cluster-gateway.js';
import { responseError as toResponseError, toClusterError } from './api-error.js';
import { DEFAULT_RETRY, kubeRequest, type KubeRequest, type KubeResponse, type RetryPolicy, type Sleep } from './kube-request.js';
import { startWatchCache } from './watch-cache.js';

const SMP = 'application/strategic-merge-patch+json';

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** Patches carry no resourceVersion, so a 409 can only be transient: try again. */
const PATCH_RETRY: RetryPolicy = { ...DEFAULT_RETRY, statuses: [...DEFAULT_RETRY.statuses, 409] };

const MULTIPLE_PDBS = /more than one PodDisruptionBudget/i;

/** The API server's answer when a UID precondition fails (the object was recreated). */
const UID_PRECONDITION = /Precondition failed: UID in precondition|UID in precondition/i;

/** A pod annotation: a 409 is retried unless it is the UID precondition failing. */
const ANNOTATE_RETRY: RetryPolicy = {
  ...DEFAULT_RETRY,
  statuses: [...DEFAULT_RETRY.statuses, 409],
  retryable: (res) => !(res.status === 409 && UID_PRECONDITION.test(((res.body ?? {}) as Status).message ?? '')),
};

/** An eviction's 429 means "a PDB forbids it now" (apply waits and asks again); "more than one PDB" is final. */
const EVICT_RETRY: RetryPolicy = {
  ...DEFAULT_RETRY,
  statuses: [500, 502, 503, 504],
  retryable: (res) => !MULTIPLE_PDBS.test(((res.body ?? {}) as Status).message ?? ''),
};

function workloadPath(kind: WorkloadKind, namespace: string, name: string): string {
  const plural = kind === 'Deployment' ? 'deployments' : 'statefulsets';
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}

/** A non-2xx answer to one of the gateway's calls (the 403 hint names apply's role). */
function responseError(res: KubeResponse, action: string, object?: string) {
  return toResponseError(res, { action, object, scope: 'apply' });
}

function podPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
}

export interface KubeGatewayOptions {
  kc: KubeConfig;
  server: string;
  /** Reads everything the planner needs (src/cluster/read-snapshot.ts). */
  readSnapshot: (kc: KubeConfig) => Promise<Snapshot>;
  /**
   * Ctrl-C: ends a backoff at once and stops retrying. A request is still sent once after it,
   * so apply can scale back a surge in flight when interrupted.
   */
  signal?: AbortSignal;
  /** The clock retries sleep on (apply's injected clock; default: real timers). */
  sleep?: Sleep;
}

export function createKubeGateway(opts: KubeGatewayOptions): ClusterGateway {
  const { kc } = opts;
  const send = async (req: KubeRequest, action: string, object?: string): Promise<KubeResponse> => {
    try {
      return await kubeRequest(kc, { ...req, stopRetrying: opts.signal, sleep: opts.sleep });
    } catch (err) {
      throw toClusterError(err, { action, object });
    }
  };
  const getOrUndefined = async <T>(path: string, action: string, object: string): Promise<T | undefined> => {
    const res = await send({ method: 'GET', path }, action, object);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw responseError(res, action, object);
    return res.body as T;
  };

  async function getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Deployment | StatefulSet | undefined> {
    return getOrUndefined(workloadPath(kind, namespace, name), 'read', `${kind} "${namespace}/${name}"`);
  }

  const cacheOptions = { ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };

  return {
    async identity(): Promise<ClusterIdentity> {
      const ns = await getOrUndefined<KubeObject>('/api/v1/namespaces/kube-system', 'read', 'Namespace "kube-system"');
      return { server: opts.server, uid: ns?.metadata.uid };
    },
    readSnapshot: () => opts.readSnapshot(kc),
    getNode: (name) => getOrUndefined<Node>(`/api/v1/nodes/${encodeURIComponent(name)}`, 'read', `Node "${name}"`),
    async patchNode(name, patch) {
      const body: Record<string, unknown> = {};
      if (patch.unschedulable !== undefined) body.spec = { unschedulable: patch.unschedulable };
      if (patch.annotations) body.metadata = { annotations: patch.annotations };
      const object = `Node "${name}"`;
      const res = await send({ method: 'PATCH', path: `/api/v1/nodes/${encodeURIComponent(name)}`, body, contentType: SMP, retry: PATCH_RETRY }, 'patch', object);
      if (res.status !== 200) throw responseError(res, 'patch', object);
      return res.body as Node;
    },
    getWorkload: getWorkload as ClusterGateway['getWorkload'],
    async patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: WorkloadPatch) {
      const spec: Record<string, unknown> = {};
      if (patch.replicas !== undefined) spec.replicas = patch.replicas;
      if (patch.templateAnnotations) spec.template = { metadata: { annotations: patch.templateAnnotations } };
      const body: Record<string, unknown> = {};
      if (Object.keys(spec).length) body.spec = spec;
      if (patch.annotations) body.metadata = { annotations: patch.annotations };
      const object = `${kind} "${namespace}/${name}"`;
      const res = await send(
        { method: 'PATCH', path: workloadPath(kind, namespace, name), query: { fieldManager: 'sdrain' }, body, contentType: SMP, retry: PATCH_RETRY },
        'patch',
        object,
      );
      if (res.status !== 200) throw responseError(res, 'patch', object);
      return res.body as Deployment | StatefulSet;
    },
    getPod: (namespace, name) => getOrUndefined<Pod>(podPath(namespace, name), 'read', `Pod "${namespace}/${name}"`),
    async listPods(query) {
      const path = query.namespace ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods` : '/api/v1/pods';
      const res = await send(
        { method: 'GET', path, query: { labelSelector: query.labelSelector, fieldSelector: query.nodeName ? `spec.nodeName=${query.nodeName}` : undefined } },
        'list',
        'pods',
      );
      if (res.status !== 200) throw responseError(res, 'list', 'pods');
      return ((res.body as { items?: Pod[] }).items ?? []).map((p) => ({ ...p, kind: 'Pod' as const }));
    },
    async annotatePod(namespace, name, uid, annotations) {
      const object = `Pod "${namespace}/${name}"`;
      // metadata.uid in the patch is a precondition (as the kubelet's status patches use it): a
      // pod recreated under the same name is refused — 409 "Precondition failed: UID in
      // precondition" (or 422 "metadata.uid: field is immutable" from some servers) — not patched.
      // Any other 409 is transient (the patch carries no resourceVersion): tried again.
      const body = { metadata: { uid, annotations } };
      const res = await send({ method: 'PATCH', path: podPath(namespace, name), body, contentType: SMP, retry: ANNOTATE_RETRY }, 'annotate', object);
      const message = ((res.body ?? {}) as Status).message ?? '';
      if (res.status === 404) return 'gone';
      if (res.status === 409 && UID_PRECONDITION.test(message)) return 'gone';
      if (res.status === 422 && /metadata\.uid/.test(message)) return 'gone';
      if (res.status !== 200) throw responseError(res, 'annotate', object);
      return 'patched';
    },
    async evictPod(namespace, name, uid): Promise<EvictOutcome> {
      const object = `Pod "${namespace}/${name}"`;
      const body = {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace },
        deleteOptions: { preconditions: { uid } },
      };
      const res = await send({ method: 'POST', path: `${podPath(namespace, name)}/eviction`, body, retry: EVICT_RETRY }, 'evict', object);
      if (res.status === 200 || res.status === 201) return { kind: 'evicted' };
      if (res.status === 404 || res.status === 409) return { kind: 'gone' };
      const message = ((res.body ?? {}) as Status).message ?? `HTTP ${res.status}`;
      if (res.status === 429) return { kind: 'blocked', message };
      if (res.status === 500 && MULTIPLE_PDBS.test(message)) return { kind: 'multiple-pdbs', message };
      throw responseError(res, 'evict', object);
    },
    async deletePod(namespace, name, uid) {
      const object = `Pod "${namespace}/${name}"`;
      const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } };
      const res = await send({ method: 'DELETE', path: podPath(namespace, name), body }, 'delete', object);
      if (res.status === 404 || res.status === 409) return 'gone';
      if (res.status !== 200 && res.status !== 202) throw responseError(res, 'delete', object);
      return 'deleted';
    },
    watch<T extends KubeObject>(query: WatchQuery): ObjectCache<T> {
      return startWatchCache<T>(kc, query, cacheOptions);
    },
  };
}
