/**
 * The rules `sdrain rbac` prints stay in step with what src/cluster calls, the plan role is
 * read-only, the manifests are deterministic, and the simulator's authorizer matches RBAC
 * semantics (wildcards, subresources, resourceNames, namespaced vs cluster bindings) and the
 * real Forbidden wording.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LISTED_RESOURCES } from '../../src/cluster/read-snapshot.js';
import { forbiddenHint } from '../../src/cluster/access-review.js';
import { rbacJson, rbacObjects, rbacYaml } from '../../src/rbac/manifest.js';
import { clusterRules, lockRules, permissionsFor, describePermission } from '../../src/rbac/rules.js';
import { MemoryStore } from '../../src/sim/store/memory-store.js';
import { ruleAllows } from '../../src/rbac/match.js';
import { authorize, forbidden, nameFromFieldSelector, serviceAccountIdentity } from '../../src/sim/server/authz.js';
import { statusBody } from '../../src/sim/server/status.js';

const READ_VERBS = new Set(['get', 'list', 'watch']);

describe('sdrain rbac rules', () => {
  it('the plan role lists every resource the live snapshot reads, and nothing more than reads', () => {
    const perms = permissionsFor('plan');
    for (const r of LISTED_RESOURCES) {
      const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^/]+)$/.exec(r.path);
      expect(m, r.path).not.toBeNull();
      const group = m![1] ?? '';
      const resource = m![2]!;
      expect(perms.some((p) => p.verb === 'list' && p.group === group && p.resource === resource), `list ${resource} (${group})`).toBe(true);
    }
    expect(perms.every((p) => READ_VERBS.has(p.verb))).toBe(true);
    expect(perms).toHaveLength(LISTED_RESOURCES.length);
    expect(lockRules('plan')).toEqual([]);
  });

  it('apply adds the writes, each scoped as narrowly as RBAC allows', () => {
    const writes = permissionsFor('apply').filter((p) => !READ_VERBS.has(p.verb)).map(describePermission);
    expect(writes.sort()).toEqual(
      [
        'create leases in namespace "kube-system" (API group "coordination.k8s.io")',
        'create pods/eviction (API group "")',
        'delete pods (API group "")',
        'patch deployments (API group "apps")',
        'patch nodes (API group "")',
        'patch pods (API group "")',
        'patch statefulsets (API group "apps")',
        'update leases "sdrain-apply" in namespace "kube-system" (API group "coordination.k8s.io")',
      ].sort(),
    );
    // No wildcard anywhere, and nothing that reads secrets or writes RBAC.
    for (const r of [...clusterRules('all'), ...lockRules('all')]) {
      expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
      expect(r.resources).not.toContain('secrets');
    }
    expect(permissionsFor('all', 'ops').map(describePermission)).toContain('delete leases "sdrain-apply" in namespace "ops" (API group "coordination.k8s.io")');
  });

  it('renders deterministic, parseable manifests with a comment per rule', () => {
    const opts = { scope: 'apply' as const, name: 'sdrain', subject: { kind: 'ServiceAccount' as const, name: 'sdrain', namespace: 'ops' }, lockNamespace: 'maint' };
    const yaml = rbacYaml(opts);
    expect(rbacYaml(opts)).toBe(yaml);
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs).toEqual(rbacObjects(opts));
    expect(JSON.parse(rbacJson(opts)).items).toEqual(docs);
    const role = docs.find((d) => d.kind === 'Role');
    expect(role.metadata).toMatchObject({ name: 'sdrain-lock', namespace: 'maint' });
    expect(docs.find((d) => d.kind === 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'sdrain', namespace: 'ops' }]);
    expect(yaml.match(/^ {2}# /gm)).toHaveLength(clusterRules('apply').length + lockRules('apply').length);
  });

  it('turns a Forbidden message into a hint naming the permission', () => {
    expect(forbiddenHint('pods "a" is forbidden: User "u" cannot create resource "pods/eviction" in API group "" in the namespace "shop"')).toBe(
      'The cluster refused: sdrain needs permission to create pods/eviction (API group "") in namespace "shop"; run `sdrain rbac --for apply` to see the role sdrain needs and have a cluster admin grant it.',
    );
    expect(forbiddenHint('something else')).toMatch(/lacks an RBAC permission.*sdrain rbac --for apply/);
  });
});

describe('simulator RBAC authorizer', () => {
  const sa = serviceAccountIdentity('ops', 'sdrain');

  function storeWith(objects: Record<string, unknown>[]): MemoryStore {
    const store = new MemoryStore({ seed: 1 });
    for (const o of objects) store.load(o as never);
    return store;
  }

  it('matches verbs, groups, subresources, wildcards and resourceNames like RBAC', () => {
    const base = { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: 'shop', name: 'p' };
    expect(ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['pods/eviction'] }, base)).toBe(true);
    expect(ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['pods'] }, base)).toBe(false);
    expect(ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, base)).toBe(true);
    expect(ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['*/eviction'] }, base)).toBe(true);
    expect(ruleAllows({ verbs: ['create'], apiGroups: ['policy'], resources: ['pods/eviction'] }, base)).toBe(false);
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }, { ...base, verb: 'get', subresource: undefined })).toBe(true);
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['q'] }, { ...base, verb: 'get', subresource: undefined })).toBe(false);
    expect(ruleAllows({ verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }, { ...base, verb: 'list', subresource: undefined, name: undefined })).toBe(false);
    expect(nameFromFieldSelector('metadata.name=sdrain-apply')).toBe('sdrain-apply');
    expect(nameFromFieldSelector('spec.nodeName=w1')).toBeUndefined();
  });

  it('honours ClusterRoleBindings everywhere and RoleBindings only in their namespace', () => {
    const rbac = 'rbac.authorization.k8s.io/v1';
    const store = storeWith([
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'read' }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }] },
      { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: 'read' }, roleRef: { kind: 'ClusterRole', name: 'read' }, subjects: [{ kind: 'ServiceAccount', name: 'sdrain', namespace: 'ops' }] },
      { apiVersion: rbac, kind: 'Role', metadata: { name: 'lock', namespace: 'ops' }, rules: [{ verbs: ['create'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] }] },
      { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: 'lock', namespace: 'ops' }, roleRef: { kind: 'Role', name: 'lock' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts:ops' }] },
    ]);
    expect(authorize(store, sa, { verb: 'list', group: '', resource: 'nodes' })).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "read" of ClusterRole "read" to ServiceAccount "sdrain/ops"',
    });
    expect(authorize(store, sa, { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops' }).allowed).toBe(true);
    expect(authorize(store, sa, { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' }).allowed).toBe(false);
    expect(authorize(store, sa, { verb: 'patch', group: '', resource: 'nodes', name: 'w1' }).allowed).toBe(false);
    expect(authorize(store, serviceAccountIdentity('other', 'sdrain'), { verb: 'list', group: '', resource: 'nodes' }).allowed).toBe(false);
  });

  it('answers 403 with the real Status message shape', () => {
    const { code, body } = statusBody(forbidden(sa, { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: 'shop', name: 'api-1' }));
    expect(code).toBe(403);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: 'pods "api-1" is forbidden: User "system:serviceaccount:ops:sdrain" cannot create resource "pods/eviction" in API group "" in the namespace "shop"',
      details: { name: 'api-1', kind: 'pods' },
    });
    expect(statusBody(forbidden(sa, { verb: 'list', group: 'apps', resource: 'deployments' })).body.message).toBe(
      'deployments.apps is forbidden: User "system:serviceaccount:ops:sdrain" cannot list resource "deployments" in API group "apps" at the cluster scope',
    );
  });
});
