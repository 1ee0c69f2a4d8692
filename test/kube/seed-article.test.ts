/**
 * The seed article's case on a real control plane: two workers, nginx with 3 replicas (2 on the
 * drained worker), maxSurge 1 / maxUnavailable 0, pods taking seconds to start. `sdrain plan` +
 * `sdrain apply` (the CLI binary) keep nginx at 3 serving throughout, measured by a watch of our
 * own on the API server; the real `kubectl drain` on the same layout drops it below 3.
 */
import { afterEach, describe, expect, it, inject } from 'vitest';
import { watchReady } from './harness/ready-watch.js';
import { Scenario } from './harness/scenario.js';

const scenarios: Scenario[] = [];
afterEach(async () => {
  for (const s of scenarios.splice(0)) await s.cleanup();
});

async function seedLayout(id: string): Promise<Scenario> {
  const s = await Scenario.create(id, inject('kubeconfig'));
  scenarios.push(s);
  await s.addNodes({ 'worker-1': {}, 'worker-2': {} });
  await s.placeSeedNginx({ startupMs: 3000, graceSeconds: 3 });
  return s;
}

describe('the seed article on a real control plane', () => {
  it('sdrain plan + apply keep nginx at 3 serving while both pods leave worker-1', async () => {
    const s = await seedLayout('seed-sdrain');
    s.writeSpec(['worker-1']);
    const plan = await s.plan(['-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { applicable: boolean; waves: { actions: { workload: { name: string }; method: string; pods: unknown[] }[] }[] };
    expect(parsed.applicable).toBe(true);
    const action = parsed.waves[0]!.actions.find((a) => a.workload.name === 'nginx')!;
    expect(action.method).toBe('surge');
    expect(action.pods).toHaveLength(2);

    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=nginx');
    const applied = await s.apply();
    await observer.stop();
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(observer.min(), JSON.stringify(observer.timeline())).toBe(3);

    const pods = await s.cluster.pods(s.namespace, 'app=nginx');
    expect(pods.filter((p) => p.spec?.nodeName === s.node('worker-1'))).toEqual([]);
    expect((await s.cluster.readyPods(s.namespace, 'app=nginx')).length).toBe(3);
    const node = await s.cluster.core.readNode({ name: s.node('worker-1') });
    expect(node.spec?.unschedulable).toBe(true);
    const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: 'nginx' });
    expect(dep.spec?.replicas).toBe(3);
  });

  it('the real kubectl drain on the same layout drops nginx below 3', async () => {
    const s = await seedLayout('seed-kubectl');
    const observer = await watchReady(s.cluster.kc, s.namespace, 'app=nginx');
    const drained = await s.kubectl(['drain', s.node('worker-1'), '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'], { timeoutMs: 180_000 });
    expect(drained.code, drained.stderr).toBe(0);
    await s.cluster.waitReady(s.namespace, 'app=nginx', 3);
    await observer.stop();
    expect(observer.min(), JSON.stringify(observer.timeline())).toBeLessThan(3);
  });
});
