/**
 * The RBAC objects for a scope: a ClusterRole + ClusterRoleBinding for the cluster-wide reads
 * and writes, a Role + RoleBinding for the apply lock Lease in its namespace, and optionally
 * the ServiceAccount. Rendered as commented YAML (one document per object, each rule with the
 * reason sdrain needs it) or as a JSON v1 List. Pure: same input, same bytes.
 */
import { Document, isMap, isSeq, type YAMLSeq } from 'yaml';
import { clusterRules, DEFAULT_LOCK_NAMESPACE, LOCK_LEASE, lockRules, type RbacScope, type Rule } from './rules.js';

export interface RbacSubject {
  kind: 'ServiceAccount' | 'User' | 'Group';
  name: string;
  /** ServiceAccount only. */
  namespace?: string;
}

export interface ManifestOptions {
  scope: RbacScope;
  /** ClusterRole/ClusterRoleBinding name; the lock Role/RoleBinding get `-lock` appended. */
  name: string;
  subject: RbacSubject;
  lockNamespace?: string;
  /** Also emit the ServiceAccount object (subject kind ServiceAccount only). */
  withServiceAccount?: boolean;
}

type Obj = Record<string, unknown>;

interface Item {
  object: Obj;
  /** Comment shown above the document. */
  comment: string;
  /** Per-rule comments, in rules order. */
  ruleComments?: string[];
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const LABELS = { 'app.kubernetes.io/name': 'sdrain', 'app.kubernetes.io/component': 'rbac' };

function ruleObject(r: Rule): Obj {
  // `optional` and `why` are sdrain's notes (the comment above the rule), not RBAC fields.
  return { apiGroups: r.apiGroups, resources: r.resources, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}), verbs: r.verbs };
}

function subjectObject(s: RbacSubject): Obj {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace ?? 'default' };
  return { kind: s.kind, apiGroup: 'rbac.authorization.k8s.io', name: s.name };
}

function items(opts: ManifestOptions): Item[] {
  const lockNs = opts.lockNamespace ?? DEFAULT_LOCK_NAMESPACE;
  const what = opts.scope === 'plan' ? '`sdrain plan` (read-only)' : opts.scope === 'apply' ? '`sdrain plan`, `apply` and `uncordon`' : '`sdrain plan`, `apply`, `uncordon` and `unlock`';
  const out: Item[] = [];
  if (opts.withServiceAccount && opts.subject.kind === 'ServiceAccount') {
    out.push({
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: opts.subject.name, namespace: opts.subject.namespace ?? 'default', labels: LABELS } },
      comment: ' The identity sdrain runs as.',
    });
  }
  const cr = clusterRules(opts.scope);
  out.push({
    object: { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: opts.name, labels: LABELS }, rules: cr.map(ruleObject) },
    comment: ` Least privilege for ${what}, cluster-wide.`,
    ruleComments: cr.map((r) => r.why),
  });
  out.push({
    object: {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: opts.name, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: opts.name },
      subjects: [subjectObject(opts.subject)],
    },
    comment: ` Grants the ClusterRole "${opts.name}".`,
  });
  const lr = lockRules(opts.scope);
  if (lr.length > 0) {
    const roleName = `${opts.name}-lock`;
    out.push({
      object: { apiVersion: RBAC, kind: 'Role', metadata: { name: roleName, namespace: lockNs, labels: LABELS }, rules: lr.map(ruleObject) },
      comment: ` The apply lock: Lease "${LOCK_LEASE}" in namespace "${lockNs}" (apply --lock-namespace).`,
      ruleComments: lr.map((r) => r.why),
    });
    out.push({
      object: {
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: roleName, namespace: lockNs, labels: LABELS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects: [subjectObject(opts.subject)],
      },
      comment: ` Grants the Role "${roleName}".`,
    });
  }
  return out;
}

/** The objects, in the order they should be created. */
export function rbacObjects(opts: ManifestOptions): Obj[] {
  return items(opts).map((i) => i.object);
}

/** Multi-document YAML with a comment above each object and each rule. */
export function rbacYaml(opts: ManifestOptions): string {
  const docs = items(opts).map((item) => {
    const doc = new Document(item.object);
    const rules = doc.get('rules', true);
    if (item.ruleComments && isSeq(rules)) {
      (rules as YAMLSeq).items.forEach((node, i) => {
        const c = item.ruleComments?.[i];
        if (c && node && typeof node === 'object') (node as { commentBefore?: string }).commentBefore = ` ${c}`;
        // apiGroups: [""], verbs: [get, list]: one line each, as RBAC examples are written.
        if (isMap(node)) for (const pair of node.items) if (isSeq(pair.value)) pair.value.flow = true;
      });
    }
    return `#${item.comment}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
  });
  const header = `# Generated by \`sdrain rbac --for ${opts.scope}\`. Apply with: kubectl apply -f <this file>\n`;
  return header + docs.map((d) => `---\n${d}`).join('');
}

/** A JSON v1 List of the objects (kubectl apply -f accepts it). */
export function rbacJson(opts: ManifestOptions): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbacObjects(opts) }, null, 2) + '\n';
}
