/**
 * `sdrain rbac` against the real RBAC authorizer: its output, applied with the real kubectl,
 * is enough for a ServiceAccount token (the real TokenRequest API, `kubectl create token`) to
 * plan, apply and uncordon; with one rule removed, apply refuses with exit 3 naming exactly that
 * permission and changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildKubeconfig } from '../../src/sim/kubeconfig.js';
import { OWNED_LABEL, SCENARIO_LABEL } from './harness/e2e-cluster.js';
import { Scenario } from './harness/scenario.js';

let s: Scenario;

beforeAll(async () => {
  s = await Scenario.create('rbac', inject('kubeconfig'));
  await s.addNodes({ 'worker-1': {}, 'worker-2': {} });
  await s.placeSeedNginx({ startupMs: 1500 });
  s.writeSpec(['worker-1']);
});

afterAll(async () => {
  await s?.cleanup();
});

/** `sdrain rbac …` output, labelled as the suite's own, applied by the real kubectl; returns a kubeconfig with the ServiceAccount's token. */
async function grant(name: string, edit?: (items: { kind: string; rules?: { resources: string[] }[] }[]) => void): Promise<string> {
  const out = await s.sdrain(['rbac', '--for', 'apply', '--name', name, '--service-account', name, '--namespace', s.namespace, '--with-service-account', '-o', 'json']);
  expect(out.code, out.stderr).toBe(0);
  const list = JSON.parse(out.stdout) as { items: { kind: string; metadata: { labels?: Record<string, string> }; rules?: { resources: string[] }[] }[] };
  for (const o of list.items) o.metadata.labels = { ...o.metadata.labels, [OWNED_LABEL]: 'true', [SCENARIO_LABEL]: s.id };
  edit?.(list.items);
  const applied = await s.kubectl(['apply', '-f', '-'], { input: JSON.stringify(list) });
  expect(applied.code, applied.stderr).toBe(0);
  const token = await s.kubectl(['create', 'token', name, '-n', s.namespace, '--duration=1h']);
  expect(token.code, token.stderr).toBe(0);
  const ca = Buffer.from(s.cluster.kc.getCurrentCluster()!.caData!, 'base64').toString('utf8');
  const path = join(s.dir, `${name}.kubeconfig`);
  writeFileSync(path, buildKubeconfig({ url: s.cluster.server, caPem: ca, token: token.stdout.trim(), name }), { mode: 0o600 });
  return path;
}

describe('sdrain rbac on the real RBAC authorizer', () => {
  it('with one rule removed, apply refuses (exit 3) naming it and changes nothing', async () => {
    const kc = await grant('noevict', (items) => {
      const role = items.find((o) => o.kind === 'ClusterRole')!;
      const before = role.rules!.length;
      role.rules = role.rules!.filter((r) => !r.resources.includes('pods/eviction'));
      expect(role.rules).toHaveLength(before - 1);
    });
    const plan = await s.sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'plan.json']);
    expect(plan.code, plan.stderr).toBe(0);
    const apply = await s.apply([], 'plan.json', { kubeconfig: kc });
    expect(apply.code, apply.stderr).toBe(3);
    expect(apply.stderr).toContain('the cluster denies 1 permission sdrain needs:\n  - create pods/eviction (API group "")');
    expect(apply.stderr).toContain('Nothing was changed');
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBeFalsy();
  });

  it('with exactly the printed role, a ServiceAccount token plans, applies and uncordons', async () => {
    const kc = await grant('sdrain-e2e');
    const plan = await s.sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'plan.json']);
    expect(plan.code, plan.stderr).toBe(0);
    const apply = await s.apply([], 'plan.json', { kubeconfig: kc });
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect((await s.cluster.pods(s.namespace, 'app=nginx')).filter((p) => p.spec?.nodeName === s.node('worker-1'))).toEqual([]);
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBe(true);
    const unc = await s.sdrain(['uncordon', 'plan.json', '--kubeconfig', kc]);
    expect(unc.code, unc.stderr).toBe(0);
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBeFalsy();
  });

  it('a token with no role cannot plan: the real Forbidden is named with the permission, no stack trace', async () => {
    const sa = await s.kubectl(['create', 'serviceaccount', 'nobody', '-n', s.namespace]);
    expect(sa.code, sa.stderr).toBe(0);
    const token = await s.kubectl(['create', 'token', 'nobody', '-n', s.namespace]);
    const ca = Buffer.from(s.cluster.kc.getCurrentCluster()!.caData!, 'base64').toString('utf8');
    const kc = join(s.dir, 'nobody.kubeconfig');
    writeFileSync(kc, buildKubeconfig({ url: s.cluster.server, caPem: ca, token: token.stdout.trim(), name: 'nobody' }), { mode: 0o600 });
    const plan = await s.sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'nobody.json']);
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stderr).toMatch(new RegExp(`is forbidden: User "system:serviceaccount:${s.namespace}:nobody" cannot list resource "[a-z]+" in API group "[a-z.]*" at the cluster scope`));
    expect(plan.stderr).toMatch(/sdrain rbac --for plan/);
    expect(plan.stderr).not.toMatch(/\n\s+at /);
  });
});
