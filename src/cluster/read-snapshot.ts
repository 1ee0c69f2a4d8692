/**
 * Reads everything the planner needs from a live cluster into a Snapshot. Objects are fetched
 * as raw JSON (timestamps stay RFC 3339 strings, unknown fields are kept, field names match
 * `kubectl get -o json`), listed cluster-wide in pages of 500 with `continue`, and handed to
 * the same buildSnapshot that snapshot files go through — so a live plan and a plan from a
 * `sdrain snapshot` of the same cluster are identical.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../model/k8s.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import { slimObject } from '../snapshot/snapshot-file.js';
import type { RbacScope } from '../rbac/rules.js';
import { ClusterError, InputError } from '../errors.js';
import { kubeRequest, type Sleep } from './kube-request.js';
import { toClusterError } from './api-error.js';

/** One resource listed for a snapshot. */
interface ListedResource {
  kind: string;
  apiVersion: string;
  path: string;
  /** Absent from some servers (older clusters, the simulator): a 404 is a warning, not an error. */
  optional?: boolean;
}

/** What sdrain lists, in this order. Leases and CronJobs are not read: the planner ignores them. */
export const LISTED_RESOURCES: readonly ListedResource[] = [
  { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
  { kind: 'Node', apiVersion: 'v1', path: '/api/v1/nodes' },
  { kind: 'Pod', apiVersion: 'v1', path: '/api/v1/pods' },
  { kind: 'PersistentVolumeClaim', apiVersion: 'v1', path: '/api/v1/persistentvolumeclaims' },
  { kind: 'PersistentVolume', apiVersion: 'v1', path: '/api/v1/persistentvolumes' },
  { kind: 'Deployment', apiVersion: 'apps/v1', path: '/apis/apps/v1/deployments' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/replicasets' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/daemonsets' },
  { kind: 'ControllerRevision', apiVersion: 'apps/v1', path: '/apis/apps/v1/controllerrevisions', optional: true },
  { kind: 'Job', apiVersion: 'batch/v1', path: '/apis/batch/v1/jobs' },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', path: '/apis/policy/v1/poddisruptionbudgets' },
  { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', path: '/apis/autoscaling/v2/horizontalpodautoscalers', optional: true },
  // Volume binding of unbound claims depends on the class (binding mode, provisioner).
  { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', path: '/apis/storage.k8s.io/v1/storageclasses', optional: true },
];

export interface ReadLiveOptions {
  /** The server URL recorded as snapshot.cluster.server (connect() gives it). */
  server?: string;
  /** Page size for list calls (the API server caps it anyway). */
  limit?: number;
  /** Ctrl-C: aborts the requests in flight and any backoff between retries. */
  signal?: AbortSignal;
  /** The clock retries sleep on (default: real timers). */
  sleep?: Sleep;
  /** Which `sdrain rbac --for` role a 403 hint names (default: plan). */
  scope?: RbacScope;
  /** Told about optional resources the server does not serve. */
  onWarning?: (message: string) => void;
}

/**
 * Lists every resource in LISTED_RESOURCES and builds the snapshot, with cluster identity
 * { server, uid of the kube-system namespace }. Throws ClusterError on any failed call.
 */
export async function readLiveSnapshot(kc: KubeConfig, opts: ReadLiveOptions = {}): Promise<Snapshot> {
  const server = opts.server ?? kc.getCurrentCluster()?.server;
  const lists = await Promise.all(LISTED_RESOURCES.map((r) => listAll(kc, r, opts)));
  const objects = lists.flat();
  const kubeSystem = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'kube-system');
  const cluster = { ...(server ? { server } : {}), ...(kubeSystem?.metadata.uid ? { uid: kubeSystem.metadata.uid } : {}) };
  const built = buildSnapshot(objects, cluster, server ?? '<cluster>');
  for (const w of built.warnings) opts.onWarning?.(`${w.object ? `${w.object}: ` : ''}${w.message}`);
  if (built.errors.length > 0) {
    const n = built.errors.length;
    throw new InputError('INPUT_INVALID', `Cannot use the objects read from the cluster: ${n} problem${n === 1 ? '' : 's'} found`, built.errors);
  }
  return built.snapshot;
}

async function listAll(kc: KubeConfig, r: ListedResource, opts: ReadLiveOptions): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  const call = { action: `list ${r.kind} objects`, scope: opts.scope ?? 'plan' };
  let cont: string | undefined;
  for (let page = 0; ; page++) {
    let res;
    try {
      res = await kubeRequest(kc, { method: 'GET', path: r.path, query: { limit: String(opts.limit ?? 500), continue: cont }, signal: opts.signal, sleep: opts.sleep });
    } catch (err) {
      throw toClusterError(err, call);
    }
    if (res.status === 404 && r.optional && page === 0) {
      opts.onWarning?.(`The API server does not serve ${r.path}: no ${r.kind} objects read.`);
      return [];
    }
    if (res.status !== 200) throw toClusterError({ code: res.status, body: res.body }, call);
    const body = res.body as { items?: unknown; metadata?: { continue?: string } } | undefined;
    if (!body || !Array.isArray(body.items)) throw new ClusterError(`Cannot ${call.action}: the server's answer for ${r.path} has no items list`, { status: res.status });
    for (const item of body.items as KubeObject[]) items.push(normalize(item, r));
    cont = body.metadata?.continue || undefined;
    if (!cont) return items;
  }
}

/**
 * Lists omit each item's kind/apiVersion (kubectl fills them in; so do we). Objects are slimmed
 * exactly as a snapshot file slims them (no managedFields, env values, images), so planning
 * live and planning from `sdrain snapshot` output see the same data.
 */
function normalize(item: KubeObject, r: ListedResource): KubeObject {
  return slimObject({ ...item, apiVersion: item.apiVersion || r.apiVersion, kind: item.kind || r.kind });
}
