/**
 * SIGINT/SIGTERM during a surge (the CLI aborts io.signal): apply scales the Deployment back,
 * releases the lock and stops quickly; running it again completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Lease, Pod } from '../../src/model/k8s.js';
import { startTestSim, type TestSim, untilStore } from '../helpers/sim.js';
import { SEED, makeDeps, observeReady, planLive, runApply, seedSpec } from './apply-harness.js';

const sims: TestSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});


describe('apply interrupted', () => {
  it('rolls a surge in flight back, releases the lock, and a re-run completes', async () => {
    const s = await startTestSim({ file: SEED, podStartupMs: 4000 });
    sims.push(s);
    const plan = await planLive(s, seedSpec());
    const observer = observeReady(s, 'default', 'nginx');
    const controller = new AbortController();
    const deps = makeDeps(s, { signal: controller.signal });
    const running = runApply(plan, deps);
    await untilStore(s, () => (s.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas ?? 3) > 3, 30_000);
    const abortedAt = Date.now();
    controller.abort(new Error('received SIGINT'));
    const result = await running;
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    expect(result.status).toBe('interrupted');
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(deps.events.map((e) => e.type)).toContain('rollback');
    const dep = s.store.get<Deployment>('Deployment', 'default', 'nginx');
    expect(dep?.spec.replicas).toBe(3);
    expect(dep?.metadata.annotations?.['sdrain.io/surge']).toBeUndefined();
    expect(s.store.get<Lease>('Lease', 'kube-system', 'sdrain-apply')?.spec?.holderIdentity).toBeUndefined();
    expect(result.nodes?.find((n) => n.name === 'worker-1')).toMatchObject({ cordoned: true, ours: true, drained: false });
    // The marked pods are unmarked again: nothing of the surge remains but the cordon (the surge
    // pods, marked cheapest for the scale-back, are terminating).
    const marked = s.store
      .list<Pod>('Pod', { namespace: 'default' })
      .filter((p) => !p.metadata.deletionTimestamp && p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost']);
    expect(marked).toEqual([]);

    const again = await runApply(plan, makeDeps(s));
    expect(again.error?.message).toBeUndefined();
    expect(again.status).toBe('done');
    expect(again.resumed).toBe(true);
    observer.stop();
    expect(observer.min()).toBe(3);
  });
});
