/**
 * The pure RBAC matcher (src/rbac/match.ts) that both the simulator's authorizer and apply's
 * access check use: wildcards, subresources, resourceNames, and the printed role granting
 * exactly the permissions sdrain checks.
 */
import { describe, expect, it } from 'vitest';
import { permissionAttributes, ruleAllows, rulesAllow, type PolicyRule } from '../../src/rbac/match.js';
import { clusterRules, lockRules, optionalPermissionsFor, permissionsFor, type Permission } from '../../src/rbac/rules.js';

const evict: Permission = { verb: 'create', group: '', resource: 'pods/eviction' };
const listPods: Permission = { verb: 'list', group: '', resource: 'pods' };
const getLease: Permission = { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'sdrain-apply' };
const createLease: Permission = { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' };

describe('RBAC rule matcher', () => {
  it('splits a subresource permission into the attributes the authorizer sees', () => {
    expect(permissionAttributes(evict)).toEqual({ verb: 'create', group: '', resource: 'pods', subresource: 'eviction' });
    expect(permissionAttributes(getLease)).toEqual({ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'sdrain-apply' });
  });

  it('wildcards: `*` verbs, groups and resources; `*/sub` for a subresource of anything', () => {
    expect(rulesAllow([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], evict)).toBe(true);
    expect(rulesAllow([{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }], listPods)).toBe(true);
    expect(rulesAllow([{ verbs: ['list'], apiGroups: ['*'], resources: ['pods'] }], listPods)).toBe(true);
    expect(rulesAllow([{ verbs: ['create'], apiGroups: [''], resources: ['*/eviction'] }], evict)).toBe(true);
    expect(rulesAllow([{ verbs: ['create'], apiGroups: [''], resources: ['*/status'] }], evict)).toBe(false);
    // `*/sub` is not a plain resource wildcard.
    expect(rulesAllow([{ verbs: ['list'], apiGroups: [''], resources: ['*/eviction'] }], listPods)).toBe(false);
  });

  it('subresources are only matched as resource/sub, and vice versa', () => {
    expect(rulesAllow([{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }], evict)).toBe(false);
    expect(rulesAllow([{ verbs: ['list'], apiGroups: [''], resources: ['pods/eviction'] }], listPods)).toBe(false);
    expect(rulesAllow([{ verbs: ['create'], apiGroups: [''], resources: ['pods/eviction'] }], evict)).toBe(true);
  });

  it('verb and API group must both match; missing lists match nothing', () => {
    expect(rulesAllow([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], listPods)).toBe(false);
    expect(rulesAllow([{ verbs: ['list'], apiGroups: ['apps'], resources: ['pods'] }], listPods)).toBe(false);
    expect(rulesAllow([{ verbs: ['list'], resources: ['pods'] }], listPods)).toBe(false);
    expect(rulesAllow([{ apiGroups: [''], resources: ['pods'] }], listPods)).toBe(false);
    expect(rulesAllow([], listPods)).toBe(false);
  });

  it('resourceNames only match a request naming one of them (never create or an unnamed list)', () => {
    const named: PolicyRule = { verbs: ['get', 'update', 'create', 'list'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sdrain-apply'] };
    expect(rulesAllow([named], getLease)).toBe(true);
    expect(rulesAllow([named], { ...getLease, name: 'other' })).toBe(false);
    expect(rulesAllow([named], createLease)).toBe(false);
    expect(rulesAllow([named], { ...createLease, verb: 'list' })).toBe(false);
    expect(rulesAllow([{ ...named, resourceNames: [] }], createLease)).toBe(true);
    expect(ruleAllows(named, { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name: 'sdrain-apply' })).toBe(true);
  });

  it('the role `sdrain rbac` prints grants every permission the access check asks, and each rule is needed', () => {
    const rules: PolicyRule[] = [...clusterRules('apply'), ...lockRules('apply')];
    const perms = permissionsFor('apply');
    for (const p of perms) expect(rulesAllow(rules, p), JSON.stringify(p)).toBe(true);
    const optional = optionalPermissionsFor('apply');
    expect(optional.map((p) => `${p.verb} ${p.resource} (${p.group})`)).toEqual(['create events (events.k8s.io)']);
    for (const p of optional) expect(rulesAllow(rules, p), JSON.stringify(p)).toBe(true);
    rules.forEach((_, i) => {
      const without = rules.filter((__, j) => j !== i);
      expect([...perms, ...optional].some((p) => !rulesAllow(without, p)), `rule ${i} is needed`).toBe(true);
    });
    // The plan role grants no apply-only permission.
    const planRules: PolicyRule[] = clusterRules('plan');
    expect(permissionsFor('apply').filter((p) => !rulesAllow(planRules, p)).map((p) => `${p.verb} ${p.resource}`)).toContain('create pods/eviction');
  });
});
