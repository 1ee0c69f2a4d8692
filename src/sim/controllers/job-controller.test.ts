import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Pod } from '../../model/k8s.js';
import { node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function job(name: string, completions: number, parallelism: number, runMs?: number): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      completions,
      parallelism,
      template: {
        metadata: { labels: { app: name }, ...(runMs !== undefined ? { annotations: { 'sim.sdrain.io/run-ms': String(runMs) } } : {}) },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] },
      },
    },
  };
}

describe('job controller', () => {
  it('runs completions pods at most parallelism at a time and completes', async () => {
    sim = await startHarness([node('w1'), job('batch', 3, 2, 5000)], { podStartupMs: 1000 });
    let maxActive = 0;
    const off = sim.store.on(() => {
      const active = sim!.pods().filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
      maxActive = Math.max(maxActive, active);
    });
    expect(sim.pods()).toHaveLength(2);
    const t0 = sim.clock.now();
    await sim.until(() => (sim!.store.get<Job>('Job', 'default', 'batch')!.status?.conditions as { type: string }[] | undefined)?.some((c) => c.type === 'Complete') ?? false, 120_000, 'complete');
    off();
    const elapsed = sim.clock.now() - t0;
    // Two waves of (startup 1s + run 5s).
    expect(elapsed).toBeGreaterThanOrEqual(12_000);
    expect(maxActive).toBe(2);
    const status = sim.store.get<Job>('Job', 'default', 'batch')!.status!;
    expect(status).toMatchObject({ succeeded: 3, active: 0, failed: 0 });
    expect(status.completionTime).toEqual(expect.any(String));
    const pods = sim.pods();
    expect(pods).toHaveLength(3);
    expect(pods.every((p: Pod) => p.status?.phase === 'Succeeded' && p.metadata.labels?.['job-name'] === 'batch')).toBe(true);
  });
});
