/**
 * The resources the simulator serves: one row per resource with exactly what discovery
 * advertises and routing needs. kubectl depends on responseKind, scope, shortNames and
 * categories (see /work/shared/KUBE_API_NOTES.md §2), so they are data here, not code.
 */

export interface ResourceInfo {
  kind: string;
  /** URL segment, e.g. `pods`. */
  plural: string;
  singular: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresources served besides the main resource. */
  subresources: ('status' | 'scale' | 'eviction' | 'token')[];
  /** Verbs discovery advertises when not the usual eight (e.g. create-only reviews). */
  verbs?: string[];
}

const ALL = ['all'];

function r(kind: string, plural: string, group: string, version: string, namespaced: boolean, shortNames: string[], categories: string[], subresources: ResourceInfo['subresources']): ResourceInfo {
  return { kind, plural, singular: kind.toLowerCase(), group, version, namespaced, shortNames, categories, subresources };
}

/** Sorted by group, then plural, so discovery output is deterministic. */
export const RESOURCES: readonly ResourceInfo[] = [
  r('ConfigMap', 'configmaps', '', 'v1', true, ['cm'], [], []),
  r('Event', 'events', '', 'v1', true, ['ev'], [], []),
  r('Namespace', 'namespaces', '', 'v1', false, ['ns'], [], ['status']),
  r('Node', 'nodes', '', 'v1', false, ['no'], [], ['status']),
  r('PersistentVolumeClaim', 'persistentvolumeclaims', '', 'v1', true, ['pvc'], [], ['status']),
  r('PersistentVolume', 'persistentvolumes', '', 'v1', false, ['pv'], [], ['status']),
  r('Pod', 'pods', '', 'v1', true, ['po'], ALL, ['status', 'eviction']),
  r('ReplicationController', 'replicationcontrollers', '', 'v1', true, ['rc'], ALL, ['status', 'scale']),
  r('Secret', 'secrets', '', 'v1', true, [], [], []),
  r('ServiceAccount', 'serviceaccounts', '', 'v1', true, ['sa'], [], ['token']),
  r('ControllerRevision', 'controllerrevisions', 'apps', 'v1', true, [], [], []),
  r('DaemonSet', 'daemonsets', 'apps', 'v1', true, ['ds'], ALL, ['status']),
  r('Deployment', 'deployments', 'apps', 'v1', true, ['deploy'], ALL, ['status', 'scale']),
  r('ReplicaSet', 'replicasets', 'apps', 'v1', true, ['rs'], ALL, ['status', 'scale']),
  r('StatefulSet', 'statefulsets', 'apps', 'v1', true, ['sts'], ALL, ['status', 'scale']),
  { ...r('SelfSubjectAccessReview', 'selfsubjectaccessreviews', 'authorization.k8s.io', 'v1', false, [], [], []), verbs: ['create'] },
  { ...r('SelfSubjectRulesReview', 'selfsubjectrulesreviews', 'authorization.k8s.io', 'v1', false, [], [], []), verbs: ['create'] },
  r('HorizontalPodAutoscaler', 'horizontalpodautoscalers', 'autoscaling', 'v2', true, ['hpa'], ALL, ['status']),
  r('CronJob', 'cronjobs', 'batch', 'v1', true, ['cj'], ALL, ['status']),
  r('Job', 'jobs', 'batch', 'v1', true, [], ALL, ['status']),
  r('Lease', 'leases', 'coordination.k8s.io', 'v1', true, [], [], []),
  // The same Events as core v1 (one store kind; both shapes filled at create: event-views.ts).
  r('Event', 'events', 'events.k8s.io', 'v1', true, ['ev'], [], []),
  r('PodDisruptionBudget', 'poddisruptionbudgets', 'policy', 'v1', true, ['pdb'], [], ['status']),
  r('ClusterRoleBinding', 'clusterrolebindings', 'rbac.authorization.k8s.io', 'v1', false, [], [], []),
  r('ClusterRole', 'clusterroles', 'rbac.authorization.k8s.io', 'v1', false, [], [], []),
  r('RoleBinding', 'rolebindings', 'rbac.authorization.k8s.io', 'v1', true, [], [], []),
  r('Role', 'roles', 'rbac.authorization.k8s.io', 'v1', true, [], [], []),
  r('PriorityClass', 'priorityclasses', 'scheduling.k8s.io', 'v1', false, ['pc'], [], []),
  r('StorageClass', 'storageclasses', 'storage.k8s.io', 'v1', false, ['sc'], [], []),
];

/** Finds the resource for a URL's group, version and plural. */
export function resourceFor(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.plural === plural);
}

/** Finds the resource that stores `kind`. */
export function resourceForKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.kind === kind);
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(res: ResourceInfo): string {
  return res.group === '' ? res.version : `${res.group}/${res.version}`;
}

/** The groups in the order /apis lists them (core excluded). */
export function groups(): { group: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const x of RESOURCES) if (x.group !== '' && !seen.has(x.group)) seen.set(x.group, x.version);
  return [...seen.entries()].map(([group, version]) => ({ group, version }));
}
