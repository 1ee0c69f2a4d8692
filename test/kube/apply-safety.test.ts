/**
 * What apply promises, on a real control plane: drift between plan and apply (a scaled
 * Deployment, a new PDB, a new pod on a target node) is refused with exit 3 and the diff, and
 * nothing is changed; a harmless annotation applies. kill -9 of apply in the middle of a surge
 * and of a roll, then apply again: completes, the floor held across both runs (our own watch).
 * Two applies at once: the second refuses naming the Lease. `sdrain uncordon` gives nodes back.
 */
import { afterEach, describe, expect, it, inject } from 'vitest';
import { mergePatch } from './harness/e2e-cluster.js';
import { watchReady } from './harness/ready-watch.js';
import { Scenario } from './harness/scenario.js';

const scenarios: Scenario[] = [];
afterEach(async () => {
  for (const s of scenarios.splice(0)) await s.cleanup();
});

async function seed(id: string, startupMs = 3000): Promise<Scenario> {
  const s = await Scenario.create(id, inject('kubeconfig'));
  scenarios.push(s);
  await s.addNodes({ 'worker-1': {}, 'worker-2': {} });
  await s.placeSeedNginx({ startupMs, graceSeconds: 2 });
  return s;
}

/** Node worker-1 and the Deployment as apply would leave them, to show a refusal changed nothing. */
async function touched(s: Scenario): Promise<string> {
  const node = await s.cluster.core.readNode({ name: s.node('worker-1') });
  const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: 'nginx' });
  return JSON.stringify({ unschedulable: node.spec?.unschedulable ?? false, nodeAnnotations: node.metadata?.annotations ?? {}, depAnnotations: dep.metadata?.annotations ?? {}, template: dep.spec?.template.metadata?.annotations ?? {} });
}

describe('apply on a real control plane: drift, kill -9, the lock', () => {
  it('refuses drift (scaled, new PDB, new pod on the node) with exit 3 and the diff, changing nothing; a harmless annotation applies', async () => {
    const s = await seed('drift', 1500);
    s.writeSpec(['worker-1']);
    const nothing = async () => {
      const before = await touched(s);
      const res = await s.apply(['--lock-timeout', '30s']);
      expect(res.code, res.stderr + res.stdout).toBe(3);
      expect(res.stderr).toMatch(/the cluster changed since the plan was made/);
      expect(await touched(s)).toBe(before);
      return res.stderr;
    };
    const planned = async () => {
      const res = await s.plan();
      expect(res.code, res.stderr).toBe(0);
    };

    await planned();
    await s.cluster.scaleDeployment(s.namespace, 'nginx', 4);
    const scaled = await nothing();
    expect(scaled).toMatch(new RegExp(`^-fingerprint\\.workloads\\["Deployment/${s.namespace}/nginx"\\]\\.replicas = 3$`, 'm'));
    expect(scaled).toMatch(new RegExp(`^\\+fingerprint\\.workloads\\["Deployment/${s.namespace}/nginx"\\]\\.replicas = 4$`, 'm'));
    await s.cluster.scaleDeployment(s.namespace, 'nginx', 3);
    await s.cluster.waitReady(s.namespace, 'app=nginx', 3);

    await planned();
    await s.cluster.policy.createNamespacedPodDisruptionBudget({ namespace: s.namespace, body: { metadata: { name: 'nginx' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'nginx' } } } } });
    const pdb = await nothing();
    expect(pdb).toContain(`+fingerprint.pdbs["${s.namespace}/nginx"].minAvailable = 2`);
    await s.cluster.policy.deleteNamespacedPodDisruptionBudget({ namespace: s.namespace, name: 'nginx' });

    await planned();
    await s.cluster.cordon(s.node('worker-2'));
    await s.cluster.core.createNamespacedPod({ namespace: s.namespace, body: { metadata: { generateName: 'late-', labels: { app: 'late' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] } } });
    await s.cluster.waitReady(s.namespace, 'app=late', 1, { onNodes: { [s.node('worker-1')]: 1 } });
    await s.cluster.cordon(s.node('worker-2'), false);
    const late = await nothing();
    expect(late).toMatch(/late-/);
    await s.cluster.core.deleteCollectionNamespacedPod({ namespace: s.namespace, labelSelector: 'app=late', gracePeriodSeconds: 0 });
    await s.cluster.waitFor('the late pod gone', 30_000, async () => (await s.cluster.pods(s.namespace, 'app=late')).length === 0);

    await planned();
    await s.cluster.apps.patchNamespacedDeployment({ namespace: s.namespace, name: 'nginx', body: { metadata: { annotations: { 'team.example.com/owner': 'payments' } } } }, mergePatch());
    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=nginx');
    const res = await s.apply();
    await observer.stop();
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(observer.min()).toBe(3);
    // The lock is released by an apply that ends normally.
    const lease = await s.cluster.coordination.readNamespacedLease({ namespace: 'kube-system', name: 'sdrain-apply' }).catch(() => undefined);
    expect(lease?.spec?.holderIdentity ?? '').toBe('');
  });

  it.each(['surge', 'roll'] as const)('kill -9 in the middle of a %s, then apply again: completes, nginx never below the floor across both runs', async (method) => {
    const s = await seed(`kill-${method}`, 4000);
    s.writeSpec(['worker-1'], `  workloads:\n    deployment: ${method}\n`);
    const planned = await s.plan();
    expect(planned.code, planned.stderr).toBe(0);
    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=nginx');
    const first = s.applyInBackground(['--lock-duration', '3s']);
    if (method === 'surge') {
      await s.cluster.waitFor('the surge to scale nginx up', 90_000, async () => ((await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: 'nginx' })).spec?.replicas ?? 3) > 3, 50);
    } else {
      await s.cluster.waitFor('the roll to start a new ReplicaSet', 90_000, async () => (await s.cluster.apps.listNamespacedReplicaSet({ namespace: s.namespace, labelSelector: 'app=nginx' })).items.length > 1, 50);
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');

    const again = await s.apply(['--lock-timeout', '60s', '--events', 'events.ndjson']);
    await s.cluster.waitReady(s.namespace, 'app=nginx', 3);
    await observer.stop();
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stderr).toMatch(/resuming|already/);
    expect(observer.min(), JSON.stringify(observer.timeline())).toBe(3);
    const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: 'nginx' });
    expect(dep.spec?.replicas).toBe(3);
    expect(dep.metadata?.annotations?.['sdrain.io/surge']).toBeUndefined();
    expect((await s.cluster.pods(s.namespace, 'app=nginx')).filter((p) => p.spec?.nodeName === s.node('worker-1'))).toEqual([]);
  });

  it('two applies at once: the second refuses naming the Lease; sdrain uncordon gives the node back', async () => {
    const s = await seed('lock', 3000);
    s.writeSpec(['worker-1']);
    expect((await s.plan()).code).toBe(0);
    const first = s.applyInBackground();
    await s.cluster.waitFor('the first apply to hold the lock', 60_000, async () => !!(await s.cluster.coordination.readNamespacedLease({ namespace: 'kube-system', name: 'sdrain-apply' }).catch(() => undefined))?.spec?.holderIdentity, 50);
    const refused = await s.apply(['--lock-timeout', '1s']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/another apply holds the lock Lease "kube-system\/sdrain-apply": ".*pid-\d+.*" applying plan sha256:/);
    const done = await first.done;
    expect(done.code, first.stderr()).toBe(0);
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBe(true);
    const unc = await s.sdrain(['uncordon', 'plan.json', '--kubeconfig', s.kubeconfig]);
    expect(unc.code, unc.stderr).toBe(0);
    expect(unc.stdout).toContain(`node/${s.node('worker-1')} uncordoned`);
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBeFalsy();
  });
});
