/**
 * Each way sdrain moves a workload, once, on the real controllers: `surge` (the real ReplicaSet
 * controller removes exactly the pods sdrain marked with pod-deletion-cost), `roll` (the real
 * Deployment controller's rolling restart), `evict` of StatefulSet pods under a PDB (the real
 * eviction API answering 429 while another disruption holds the budget), and `delete` of an
 * unmanaged pod where the spec allows it. Every run is watched by an observer of our own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { deployment, statefulSet } from './harness/e2e-cluster.js';
import { watchReady } from './harness/ready-watch.js';
import { Scenario } from './harness/scenario.js';
import { kubectlPath } from '../helpers/kubectl.js';

const scenarios: Scenario[] = [];
afterEach(async () => {
  for (const s of scenarios.splice(0)) await s.cleanup();
});

async function scenario(id: string): Promise<Scenario> {
  const s = await Scenario.create(id, inject('kubeconfig'));
  scenarios.push(s);
  await s.addNodes({ 'worker-1': {}, 'worker-2': {}, 'worker-3': {} });
  return s;
}

interface PlanJson {
  applicable: boolean;
  waves: { actions: { workload: { kind: string; name: string }; method: string; pods: string[]; podUids: string[]; expectedMinReady: number }[] }[];
}

async function planJson(s: Scenario, args: string[] = []): Promise<PlanJson> {
  const res = await s.plan(['-o', 'json', ...args]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as PlanJson;
}

function events(s: Scenario, file = 'events.ndjson'): { type: string; [k: string]: unknown }[] {
  return readFileSync(join(s.dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string });
}

describe('each method on the real controllers', () => {
  it('surge: the real ReplicaSet controller removes exactly the pods marked for removal', async () => {
    const s = await scenario('m-surge');
    await s.place(deployment('web', { replicas: 4, startupMs: 2000 }), [
      ['worker-1', 2],
      ['worker-2', 1],
      ['worker-3', 1],
    ]);
    const before = await s.cluster.pods(s.namespace, 'app=web');
    const kept = before.filter((p) => p.spec?.nodeName !== s.node('worker-1')).map((p) => p.metadata!.uid);
    s.writeSpec(['worker-1'], '  workloads:\n    deployment: surge\n');
    const plan = await planJson(s);
    const action = plan.waves[0]!.actions.find((a) => a.workload.name === 'web')!;
    expect(action.method).toBe('surge');
    expect(action.pods).toHaveLength(2);

    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=web');
    const res = await s.apply();
    await observer.stop();
    expect(res.code, res.stderr).toBe(0);
    expect(observer.min(), JSON.stringify(observer.timeline())).toBe(4);
    const after = await s.cluster.pods(s.namespace, 'app=web');
    expect(after.filter((p) => p.spec?.nodeName === s.node('worker-1'))).toEqual([]);
    // The two pods on other nodes survived the scale-down: the controller honoured the marks.
    for (const uid of kept) expect(after.map((p) => p.metadata!.uid)).toContain(uid);
    expect(after).toHaveLength(4);
    const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: 'web' });
    expect(dep.spec?.replicas).toBe(4);
    // No sdrain marks are left on the pods that stay.
    for (const p of after) expect(p.metadata?.annotations?.['controller.kubernetes.io/pod-deletion-cost']).toBeUndefined();
  });

  it('roll: the real Deployment controller restarts the workload without going below the floor', async () => {
    const s = await scenario('m-roll');
    await s.placeSeedNginx({ startupMs: 2000 });
    s.writeSpec(['worker-1'], '  workloads:\n    deployment: roll\n');
    const plan = await planJson(s);
    const action = plan.waves[0]!.actions.find((a) => a.workload.name === 'nginx')!;
    expect(action.method).toBe('roll');
    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=nginx');
    const res = await s.apply();
    await observer.stop();
    expect(res.code, res.stderr).toBe(0);
    expect(observer.min(), JSON.stringify(observer.timeline())).toBeGreaterThanOrEqual(action.expectedMinReady);
    expect(observer.min()).toBe(3); // maxUnavailable 0
    const pods = await s.cluster.pods(s.namespace, 'app=nginx');
    expect(pods.filter((p) => p.spec?.nodeName === s.node('worker-1'))).toEqual([]);
    const status = await s.kubectl(['-n', s.namespace, 'rollout', 'status', 'deployment/nginx', '--timeout=60s']);
    expect(status.code, status.stderr).toBe(0);
  });

  it('evict: StatefulSet pods leave one at a time, retrying the real 429 while another disruption holds the budget', async () => {
    const s = await scenario('m-evict');
    await s.place(statefulSet('db', { replicas: 3, startupMs: 4000, graceSeconds: 3 }), [
      ['worker-1', 1],
      ['worker-2', 1],
      ['worker-3', 1],
    ]);
    await s.cluster.policy.createNamespacedPodDisruptionBudget({
      namespace: s.namespace,
      body: { metadata: { name: 'db' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } },
    });
    await s.cluster.waitFor('PDB db allows 1 disruption', 60_000, async () => (await s.cluster.policy.readNamespacedPodDisruptionBudget({ namespace: s.namespace, name: 'db' })).status?.disruptionsAllowed === 1);
    // Two waves. After the first, the afterEach command is another operator's disruption: it
    // deletes db-2 on worker-3, so the budget is spent when wave 2 wants to evict from worker-2.
    const kubectl = await kubectlPath();
    const disrupt = [kubectl, '--kubeconfig', s.kubeconfig, '-n', s.namespace, 'delete', 'pod', 'db-2', '--wait=false'];
    s.writeSpec(['worker-1', 'worker-2'], `  concurrency: 1\n  afterEach:\n    command: ${JSON.stringify(disrupt)}\n    uncordon: true\n`);
    const plan = await planJson(s);
    expect(plan.waves).toHaveLength(2);
    for (const wave of plan.waves) expect(wave.actions.find((a) => a.workload.name === 'db')?.method).toBe('evict');

    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=db');
    const res = await s.apply(['--events', 'events.ndjson']);
    await observer.stop();
    expect(res.code, res.stderr + res.stdout).toBe(0);
    // maxUnavailable 1 is the API server's to enforce: never two db pods out at once.
    expect(observer.min(), JSON.stringify(observer.timeline())).toBeGreaterThanOrEqual(2);
    const retries = events(s).filter((e) => e.type === 'evict-retry');
    expect(retries.length, 'sdrain saw at least one 429 from the real eviction API').toBeGreaterThan(0);
    expect(String(retries[0]!.message)).toMatch(/disruption budget/i);
    expect(events(s).filter((e) => e.type === 'node-uncordoned').map((e) => e.node)).toEqual([s.node('worker-1'), s.node('worker-2')]);
    await s.cluster.waitReady(s.namespace, 'app=db', 3);
    for (const name of [s.node('worker-1'), s.node('worker-2')]) expect((await s.cluster.core.readNode({ name })).spec?.unschedulable).toBeFalsy();
  });

  it('delete: an unmanaged pod is deleted where the spec allows it, and refused where it does not', async () => {
    const s = await scenario('m-delete');
    for (const node of s.nodes) await s.cluster.cordon(node, node !== s.node('worker-1'));
    await s.cluster.core.createNamespacedPod({
      namespace: s.namespace,
      body: { metadata: { generateName: 'debug-', labels: { app: 'debug' }, annotations: { 'sim.sdrain.io/startup-ms': '500' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'sh', image: 'busybox' }] } },
    });
    await s.cluster.waitReady(s.namespace, 'app=debug', 1, { onNodes: { [s.node('worker-1')]: 1 } });
    for (const node of s.nodes) await s.cluster.cordon(node, false);

    s.writeSpec(['worker-1']);
    const blocked = await s.plan(['-o', 'json']);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toContain('UNMANAGED_POD');
    const refused = await s.apply();
    expect(refused.code).toBe(3);
    expect((await s.cluster.core.readNode({ name: s.node('worker-1') })).spec?.unschedulable).toBeFalsy();

    s.writeSpec(['worker-1'], '  workloads:\n    unmanaged: delete\n');
    const plan = await planJson(s);
    expect(plan.waves[0]!.actions.find((a) => a.workload.kind === 'Pod')?.method).toBe('delete');
    const res = await s.apply();
    expect(res.code, res.stderr).toBe(0);
    await s.cluster.waitFor('the unmanaged pod gone', 60_000, async () => (await s.cluster.pods(s.namespace, 'app=debug')).length === 0);
  });
});
