import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonSet, Deployment, PodDisruptionBudget } from '../../model/k8s.js';
import { deployment, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function pdb(name: string, spec: Partial<PodDisruptionBudget['spec']>, app = 'web'): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app } }, ...spec } };
}

const status = (s: SimHarness, name: string) => s.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', name)!.status!;

describe('disruption controller', () => {
  it.each([
    ['minAvailable 2', { minAvailable: 2 }, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 }],
    ['minAvailable 50% (rounds up against the scale)', { minAvailable: '50%' }, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 }],
    ['minAvailable 60%', { minAvailable: '60%' }, { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1 }],
    ['maxUnavailable 1', { maxUnavailable: 1 }, { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1 }],
    ['maxUnavailable 30% (rounds up)', { maxUnavailable: '30%' }, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 }],
    ['minAvailable 4', { minAvailable: 4 }, { expectedPods: 4, desiredHealthy: 4, disruptionsAllowed: 0 }],
  ])('%s', async (_what, spec, expected) => {
    sim = await startHarness([node('w1'), deployment('web', 4), pdb('p', spec as Partial<PodDisruptionBudget['spec']>)], { podStartupMs: 1000 });
    await sim.until(() => status(sim!, 'p')?.currentHealthy === 4, 60_000, 'healthy');
    expect(status(sim, 'p')).toMatchObject({ ...expected, currentHealthy: 4, observedGeneration: 1 });
    const cond = status(sim, 'p').conditions!.find((c) => c.type === 'DisruptionAllowed')!;
    expect(cond.status).toBe(expected.disruptionsAllowed > 0 ? 'True' : 'False');
  });

  it('uses the Deployment scale, not the pod count, for percentages', async () => {
    sim = await startHarness([node('w1'), deployment('web', 4), pdb('p', { maxUnavailable: '50%' })], { podStartupMs: 1000 });
    await sim.until(() => status(sim!, 'p')?.currentHealthy === 4, 60_000, 'healthy');
    sim.store.mutate<Deployment>('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 8;
    });
    await sim.settle();
    expect(status(sim, 'p')).toMatchObject({ expectedPods: 8, desiredHealthy: 4, currentHealthy: 4, disruptionsAllowed: 0 });
  });

  it('fails safe (SyncFailed, 0 allowed) for pods of a controller without a scale', async () => {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
    };
    sim = await startHarness([node('w1'), ds, pdb('p', { maxUnavailable: 1 }, 'agent')], { podStartupMs: 1000 });
    await sim.advance(5000);
    const s = status(sim, 'p');
    expect(s.disruptionsAllowed).toBe(0);
    expect(s.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed' });
  });

  it('drops a disruptedPods entry after 2 minutes when the pod was never deleted', async () => {
    sim = await startHarness([node('w1'), deployment('web', 2), pdb('p', { minAvailable: 1 })], { podStartupMs: 1000 });
    await sim.until(() => status(sim!, 'p')?.currentHealthy === 2, 60_000, 'healthy');
    const victim = sim.pods()[0]!.metadata.name;
    sim.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'p', (p) => {
      p.status = { ...p.status!, disruptionsAllowed: 0, disruptedPods: { [victim]: new Date(sim!.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') } };
    }, { subresource: 'status' });
    await sim.settle();
    expect(status(sim, 'p')).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0 });
    await sim.advance(121_000);
    expect(status(sim, 'p').disruptedPods).toBeUndefined();
    expect(status(sim, 'p')).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
  });
});
