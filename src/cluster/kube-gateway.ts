/**
 * The ClusterGateway over a real (or simulated) API server: strategic-merge patches exactly
 * like kubectl's cordon and rollout restart, evictions and deletions with UID preconditions,
 * and list+watch caches. API failures become ClusterErrors naming the action and the object,
 * never carrying headers or tokens.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../errors.js';
import type { Deployment, Node, Pod, StatefulSet, KubeObject } from '../model/k8s.js';
import type { ClusterIdentity, Snapshot } from '../model/snapshot.js';
import type { ClusterGateway, EvictOutcome, WatchQuery, WorkloadKind, WorkloadPatch, ObjectCache } from './cluster-gateway.js';
import { DEFAULT_RETRY, kubeRequest, type KubeRequest, type KubeResponse, type RetryPolicy } from './kube-request.js';
import { startWatchCache } from './watch-cache.js';

const SMP = 'application/strategic-merge-patch+json';

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** Turns a non-2xx response into a ClusterError: action first, then the server's message. */
export function responseError(res: KubeResponse, action: string, object?: string): ClusterError {
  const st = (res.body ?? {}) as Status;
  const msg = st.kind === 'Status' && st.message ? st.message : `HTTP ${res.status}`;
  return new ClusterError(`Cannot ${action}${object ? ` ${object}` : ''}: ${msg}`, {
    status: res.status,
    reason: st.reason,
    object,
    hint: res.status === 401 || res.status === 403 ? 'check the credentials and RBAC of the kubeconfig user' : undefined,
  });
}

/** Patches carry no resourceVersion, so a 409 can only be transient: try again. */
const PATCH_RETRY: RetryPolicy = { ...DEFAULT_RETRY, statuses: [...DEFAULT_RETRY.statuses, 409] };

const MULTIPLE_PDBS = /more than one PodDisruptionBudget/i;

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

function podPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
}

export interface KubeGatewayOptions {
  kc: KubeConfig;
  server: string;
  /** Reads everything the planner needs (src/cluster/read-snapshot.ts). */
  readSnapshot: (kc: KubeConfig) => Promise<Snapshot>;
}

export function createKubeGateway(opts: KubeGatewayOptions): ClusterGateway {
  const { kc } = opts;
  const send = async (req: KubeRequest, action: string, object?: string): Promise<KubeResponse> => {
    try {
      return await kubeRequest(kc, req);
    } catch (err) {
      throw new ClusterError(`Cannot ${action}${object ? ` ${object}` : ''}: ${(err as Error).message}`, {
        code: 'CLUSTER_UNREACHABLE',
        object,
        hint: `check that the API server ${opts.server} is reachable`,
      });
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
      const current = await getOrUndefined<Pod>(podPath(namespace, name), 'read', object);
      if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return 'gone';
      const body = { metadata: { annotations } };
      const res = await send({ method: 'PATCH', path: podPath(namespace, name), body, contentType: SMP, retry: PATCH_RETRY }, 'annotate', object);
      if (res.status === 404 || res.status === 409) return 'gone';
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
      return startWatchCache<T>(kc, query);
    },
  };
}
