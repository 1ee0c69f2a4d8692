/**
 * Scenario faults during apply on the seed article: an eviction stuck on a PDB for a while
 * (apply waits and asks again), and someone else scaling the Deployment mid-apply (apply must
 * not fight it nor drop below the floor; if it stops, a fresh plan converges).
 */
import { describe, expect, it } from 'vitest';
import { SEED, seedSpec } from '../apply/apply-harness.js';
import { runChaos } from './chaos-run.js';

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

  it('someone else scaling nginx to 4 mid-apply: the floor holds and the result is truthful', async () => {
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
