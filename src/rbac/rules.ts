/**
 * The exact Kubernetes permissions sdrain needs, per command, as data: what `sdrain rbac`
 * prints and what apply's access check asks the API server about before changing anything.
 * Derived from the calls in src/cluster (read-snapshot.ts LISTED_RESOURCES, kube-gateway.ts,
 * watch-cache.ts, lease-lock.ts); test/rbac checks the two stay in step. Pure data.
 */

/** What a permission is for. */
export type RbacScope = 'plan' | 'apply' | 'all';

export const RBAC_SCOPES: readonly RbacScope[] = ['plan', 'apply', 'all'];

/** One RBAC PolicyRule plus why sdrain needs it (printed as a YAML comment). */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  why: string;
  /**
   * Granted by `sdrain rbac` but not required: without it apply warns and carries on, so the
   * up-front access check (permissionsFor) does not ask for it.
   */
  optional?: boolean;
}

/** One permission to check: a single verb on a single resource (what SelfSubjectAccessReview asks). */
export interface Permission {
  verb: string;
  group: string;
  /** `pods`, or `pods/eviction` for a subresource. */
  resource: string;
  /** Only for namespaced checks (the lock Lease). */
  namespace?: string;
  name?: string;
}

export const LOCK_LEASE = 'sdrain-apply';
export const DEFAULT_LOCK_NAMESPACE = 'kube-system';

/** Everything the planner lists, cluster-wide (read-snapshot.ts LISTED_RESOURCES). */
const PLAN_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['namespaces', 'nodes', 'pods', 'persistentvolumeclaims', 'persistentvolumes'], verbs: ['list'], why: 'plan: read the cluster (nodes, pods, volumes; the kube-system namespace UID identifies the cluster)' },
  { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: ['list'], why: 'plan: read the workloads that own the pods' },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list'], why: 'plan: Job pods are not moved, only waited for' },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'], why: 'plan: PodDisruptionBudgets decide what may move at once' },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list'], why: 'plan: an HPA may fight a surge' },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['list'], why: 'plan: whether an unbound claim can be bound or provisioned on a node' },
];

/** What apply needs on top of the plan rules (it re-reads the cluster to check for drift). */
const APPLY_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'], resourceNames: ['kube-system'], why: 'apply: check the plan is for this cluster (kube-system namespace UID)' },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'watch', 'patch'], why: 'apply: cordon, mark and (with afterEach) uncordon nodes; watch them' },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'patch', 'delete'], why: 'apply: follow pods; annotate surge victims; the delete method' },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'], why: 'apply: evict pods through the Eviction API (PDBs are honoured)' },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'watch', 'patch'], why: 'apply: rollout restart, surge (scale up and back) and wait for rollouts' },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'], optional: true, why: 'apply (optional: warns without it): record Events on the nodes and workloads it acts on' },
];

/** The apply lock: a namespaced Role in the lock namespace (`all` adds delete for `sdrain unlock`). */
export function lockRules(scope: RbacScope): Rule[] {
  if (scope === 'plan') return [];
  const rules: Rule[] = [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'], why: 'apply: take the apply lock the first time (create cannot be limited by name)' },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: scope === 'all' ? ['get', 'update', 'delete'] : ['get', 'update'], resourceNames: [LOCK_LEASE], why: scope === 'all' ? 'apply: hold and renew the lock; unlock: remove it' : 'apply: hold and renew the lock' },
  ];
  return rules;
}

/** The cluster-wide rules for a scope (`all` needs nothing more cluster-wide than `apply`). */
export function clusterRules(scope: RbacScope): Rule[] {
  if (scope === 'plan') return PLAN_RULES.map((r) => ({ ...r }));
  return [...PLAN_RULES, ...APPLY_RULES].map((r) => ({ ...r }));
}

/** Every single permission a scope needs, for an up-front access check (no duplicates). */
export function permissionsFor(scope: RbacScope, lockNamespace = DEFAULT_LOCK_NAMESPACE): Permission[] {
  const out: Permission[] = [];
  const seen = new Set<string>();
  const add = (p: Permission) => {
    const k = `${p.verb} ${p.group} ${p.resource} ${p.namespace ?? ''} ${p.name ?? ''}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const r of clusterRules(scope)) {
    if (r.optional) continue;
    for (const group of r.apiGroups) for (const resource of r.resources) for (const verb of r.verbs) {
      if (r.resourceNames?.length) for (const name of r.resourceNames) add({ verb, group, resource, name });
      else add({ verb, group, resource });
    }
  }
  for (const r of lockRules(scope)) {
    for (const group of r.apiGroups) for (const resource of r.resources) for (const verb of r.verbs) {
      if (r.resourceNames?.length) for (const name of r.resourceNames) add({ verb, group, resource, namespace: lockNamespace, name });
      else add({ verb, group, resource, namespace: lockNamespace });
    }
  }
  return out;
}

/** The permissions a scope may use but does not require (a missing one is a warning). */
export function optionalPermissionsFor(scope: RbacScope): Permission[] {
  return clusterRules(scope)
    .filter((r) => r.optional)
    .flatMap((r) => r.apiGroups.flatMap((group) => r.resources.flatMap((resource) => r.verbs.map((verb) => ({ verb, group, resource })))));
}

/** `create pods/eviction (API group "")`, `get leases "sdrain-apply" in namespace "kube-system" (API group "coordination.k8s.io")`. */
export function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource}${p.name ? ` "${p.name}"` : ''}${p.namespace ? ` in namespace "${p.namespace}"` : ''} (API group "${p.group}")`;
}
