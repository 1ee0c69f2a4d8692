/**
 * The seed article's case on the simulator: 2 workers, nginx 3 replicas (2 on worker-1),
 * maxSurge 1, maxUnavailable 0, pods taking time to start. apply keeps 3 ready throughout;
 * `kubectl drain` (the real kubectl 1.35) on a fresh copy drops it below 3.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED, makeDeps, observeReady, planLive, runApply, seedSpec } from './apply-harness.js';

const sims: TestSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function sim(podStartupMs = 1500): Promise<TestSim> {
  const s = await startTestSim({ file: SEED, podStartupMs });
  sims.push(s);
  return s;
}

describe('apply: the seed article', () => {
  it('keeps nginx at 3 ready while moving both pods off worker-1, and leaves it cordoned', async () => {
    const s = await sim();
    const plan = await planLive(s, seedSpec());
    expect(plan.applicable).toBe(true);
    const action = plan.waves[0]?.actions.find((a) => a.workload.name === 'nginx');
    expect(action?.pods.length).toBe(2);

    const observer = observeReady(s, 'default', 'nginx');
    const deps = makeDeps(s);
    const result = await runApply(plan, deps);
    observer.stop();

    expect(result.error?.message).toBeUndefined();
    expect(result.status).toBe('done');
    expect(observer.min()).toBe(3);
    const pods = s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.labels?.app === 'nginx');
    expect(pods.filter((p) => p.spec.nodeName === 'worker-1')).toEqual([]);
    expect(observer.current()).toBe(3);
    const node = s.store.get<Node>('Node', undefined, 'worker-1');
    expect(node?.spec?.unschedulable).toBe(true);
    expect(node?.metadata.annotations?.['sdrain.io/plan-digest']).toBe(plan.digest);
    const wl = result.workloads.find((w) => w.workload.name === 'nginx');
    expect(wl?.status).toBe('done');
    expect(wl?.minReady).toBeGreaterThanOrEqual(wl?.expectedMinReady ?? 99);

    // Running it again: already applied, nothing changed.
    const before = JSON.stringify([s.store.get('Node', undefined, 'worker-1')?.metadata.annotations, s.store.get('Node', undefined, 'worker-1')?.spec, s.store.get('Deployment', 'default', 'nginx')?.spec]);
    const again = makeDeps(s);
    const second = await runApply(plan, again);
    expect(second.status).toBe('already-applied');
    expect(again.events.map((e) => e.type)).toContain('already-applied');
    expect(JSON.stringify([s.store.get('Node', undefined, 'worker-1')?.metadata.annotations, s.store.get('Node', undefined, 'worker-1')?.spec, s.store.get('Deployment', 'default', 'nginx')?.spec])).toBe(before);
    if (process.env.SDRAIN_TEST_DEBUG) console.log(deps.events);
  });

  it.each([
    ['roll', 3],
    ['evict', 2],
  ] as const)('method %s keeps nginx at or above the plan floor (one pod at a time: %i)', async (method, observedFloor) => {
    const s = await sim(800);
    const plan = await planLive(s, seedSpec(`  workloads:\n    deployment: ${method}\n`));
    const action = plan.waves[0]?.actions.find((a) => a.workload.name === 'nginx');
    expect(action?.method).toBe(method);
    const observer = observeReady(s, 'default', 'nginx');
    const result = await runApply(plan, makeDeps(s));
    observer.stop();
    expect(result.error?.message).toBeUndefined();
    expect(observer.min()).toBeGreaterThanOrEqual(action?.expectedMinReady ?? 99);
    expect(observer.min()).toBeGreaterThanOrEqual(observedFloor);
    expect(observer.current()).toBe(3);
    const pods = s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.labels?.app === 'nginx' && p.spec.nodeName === 'worker-1');
    expect(pods).toEqual([]);
    if (method === 'roll') {
      const dep = s.store.get('Deployment', 'default', 'nginx') as { spec: { template: { metadata?: { annotations?: Record<string, string> } } } };
      expect(dep.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(`${plan.digest}/wave-1`);
    }
  });

  it('kubectl drain on a fresh copy drops nginx below 3 ready', async () => {
    const s = await sim();
    const observer = observeReady(s, 'default', 'nginx');
    const res = await s.kubectl(['drain', 'worker-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s'], { timeoutMs: 90_000 });
    expect(res.code, res.stderr).toBe(0);
    observer.stop();
    expect(observer.min()).toBeLessThan(3);
  });
});
