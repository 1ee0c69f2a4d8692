/**
 * Scenario faults during apply on the seed article: an eviction stuck on a PDB for a while
 * (apply waits and asks again), and someone else scaling the Deployment mid-apply (apply must
 * not fight it nor drop below the floor; if it stops, a fresh plan converges).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod } from '../../src/model/k8s.js';
import { startTestSim, type TestSim, untilStore } from '../helpers/sim.js';
import { SEED, makeDeps, observeReady, planLive, runApply, seedSpec } from '../apply/apply-harness.js';
import { runChaos } from './chaos-run.js';

const sims: TestSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});


describe('chaos: scenario faults', () => {
  it('an eviction stuck on a PDB for 5 s delays the evict method but breaks nothing', async () => {
    const report = await runChaos({
      file: SEED,
      specText: seedSpec('  workloads:\n    deployment: evict\n'),
      faults: { seed: 3, scenarios: { stuckEvictions: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 5000 }] } },
      podStartupMs: 300,
      runTimeoutMs: 40_000,
    });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.faults['eviction-stuck'] ?? 0).toBeGreaterThan(0);
    expect(report.runs.map((r) => r.status)).toEqual(['done']);
  }, 60_000);

  it('someone else scales nginx while sdrain has it surged: apply stops at once without fighting, floor held; a fresh plan converges', async () => {
    const s = await startTestSim({ file: SEED, podStartupMs: 3000 });
    sims.push(s);
    const plan = await planLive(s, seedSpec());
    const observer = observeReady(s, 'default', 'nginx');
    const deps = makeDeps(s);
    const running = runApply(plan, deps);
    await untilStore(s, () => (s.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas ?? 3) === 5, 30_000, 'the surge to 5 replicas');
    // An HPA-like writer, through the real kubectl, while the surge pods are still starting.
    const scaled = await s.kubectl(['scale', 'deployment/nginx', '--replicas=4', '-n', 'default']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const startedWait = Date.now();
    const result = await running;
    // Noticed on the watch, not at the 5-minute workload timeout.
    expect(Date.now() - startedWait).toBeLessThan(15_000);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/replicas were changed to 4 by someone else while sdrain had raised them from 3 to 5/);
    expect(deps.events.some((e) => e.type === 'rollback' && /someone else set its replicas to 4/.test(e.message))).toBe(true);
    const dep = s.store.get<Deployment>('Deployment', 'default', 'nginx');
    expect(dep?.spec.replicas).toBe(4);
    expect(dep?.metadata.annotations?.['sdrain.io/surge']).toBeUndefined();
    const marked = s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost']);
    expect(marked).toEqual([]);
    const wl = result.workloads.find((w) => w.workload.name === 'nginx');
    expect(wl?.status).toBe('failed');
    // The same plan now refuses (the cluster changed); a fresh plan for 4 replicas converges.
    await expect(runApply(plan, makeDeps(s))).rejects.toMatchObject({ code: 'DRIFT', diff: /^\+waves\[1\]\.actions\["Deployment default\/nginx"\]\.replicas = 4$/m });
    // Plan again once the Deployment settled at the other writer's 4 (as an operator would).
    await untilStore(
      s,
      () => {
        const d = s.store.get<Deployment>('Deployment', 'default', 'nginx');
        const pods = s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.labels?.app === 'nginx');
        return d?.status?.readyReplicas === 4 && d.status.replicas === 4 && pods.length === 4 && pods.every((p) => !p.metadata.deletionTimestamp);
      },
      30_000,
      'nginx to settle at 4 replicas',
    );
    const fresh = await planLive(s, seedSpec());
    const done = await runApply(fresh, makeDeps(s));
    expect(done.error?.message).toBeUndefined();
    expect(done.status).toBe('done');
    observer.stop();
    expect(observer.min()).toBeGreaterThanOrEqual(3);
    expect(s.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas).toBe(4);
    expect(s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.spec.nodeName === 'worker-1' && p.metadata.labels?.app === 'nginx')).toEqual([]);
  }, 90_000);

  it('someone else scaling nginx to 4 mid-apply (scenario fault): the floor holds and the result is truthful', async () => {
    const report = await runChaos({
      file: SEED,
      specText: seedSpec('  timeouts:\n    workload: 10s\n'),
      faults: { seed: 4, scenarios: { scale: [{ kind: 'Deployment', namespace: 'default', name: 'nginx', atMs: 1500, replicas: 4 }] } },
      podStartupMs: 1200,
      maxRuns: 1,
      runTimeoutMs: 40_000,
    });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.faults.scale).toBe(1);
    // Either apply finished, or it stopped with a failure whose summary matched the cluster.
    expect(report.violations.filter((v) => !v.startsWith('apply did not converge'))).toEqual([]);
  }, 60_000);

  it('surge pods that never become ready: exit-1 failure at the workload timeout, floor held, summary true; the re-run after the fault clears converges', async () => {
    const report = await runChaos({
      file: SEED,
      specText: seedSpec('  timeouts:\n    workload: 4s\n'),
      faults: { seed: 6, scenarios: { neverReady: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 7000 }] } },
      podStartupMs: 300,
      runTimeoutMs: 40_000,
    });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.faults['never-ready'] ?? 0).toBeGreaterThan(0);
    expect(report.runs[0]?.status).toBe('failed');
    expect(report.runs[0]?.error).toMatch(/Timed out waiting for 2 surge pod\(s\) for Deployment "default\/nginx"/);
    expect(report.converged).toBe(true);
  }, 60_000);

  it('the drained node goes NotReady mid-apply: apply waits after afterEach until it is Ready again, then finishes', async () => {
    const report = await runChaos({
      file: SEED,
      specText: seedSpec('  afterEach:\n    command: ["true"]\n    uncordon: false\n'),
      faults: { seed: 7, scenarios: { nodeNotReady: [{ node: 'worker-1', atMs: 0, forMs: 6000 }, { node: 'worker-2', atMs: 0 }] } },
      podStartupMs: 300,
      runTimeoutMs: 40_000,
    });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.faults['node-not-ready']).toBe(2);
    expect(report.runs.map((r) => r.status)).toEqual(['done']);
  }, 60_000);

  it('evictions stuck longer than the workload timeout: apply fails truthfully, the re-run converges', async () => {
    const report = await runChaos({
      file: SEED,
      specText: seedSpec('  workloads:\n    deployment: evict\n  timeouts:\n    workload: 8s\n'),
      faults: { seed: 5, scenarios: { stuckEvictions: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 9000 }] } },
      podStartupMs: 300,
      runTimeoutMs: 40_000,
    });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.runs[0]?.status).toBe('failed');
    expect(report.runs[0]?.error).toMatch(/evict/i);
    expect(report.converged).toBe(true);
  }, 60_000);
});
