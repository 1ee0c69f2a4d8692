import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import type { Deployment } from '../../src/model/k8s.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

describe('kubectl watches against the simulator (status driven by the test, no controllers)', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('get pods -w stays open and streams changes as rows', async () => {
    const w = await sim.kubectlBackground(['get', 'pods', '-n', 'shop', '-w']);
    await w.waitFor((out) => out.includes('web-7c9f8d-aaaaa') && out.includes('web-7c9f8d-bbbbb'));
    expect(w.stdout().split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    // A pod becoming Terminating shows up as a new row while the watch keeps running.
    sim.store.markDeleting('Pod', 'shop', 'web-7c9f8d-aaaaa', '2030-01-01T00:00:00Z', 30);
    await w.waitFor((out) => /web-7c9f8d-aaaaa\s+1\/1\s+Terminating/.test(out));
    sim.store.remove('Pod', 'shop', 'web-7c9f8d-aaaaa');
    sim.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7c9f8d-ccccc', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] }, status: { phase: 'Pending' } });
    await w.waitFor((out) => /web-7c9f8d-ccccc\s+0\/1\s+Pending/.test(out));
    expect(w.running()).toBe(true);
    await w.stop();
  });

  it('rollout status waits through WatchList and completes on a later MODIFIED event', async () => {
    sim.store.mutate<Deployment>('Deployment', 'shop', 'web', (d) => {
      d.metadata.generation = (d.metadata.generation ?? 1) + 1;
      d.status = { ...d.status, observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2 };
    });
    const w = await sim.kubectlBackground(['rollout', 'status', '-n', 'shop', 'deployment/web', '--timeout=50s']);
    await w.waitFor((out) => out.includes('Waiting for deployment "web" rollout to finish'));
    sim.store.mutate<Deployment>('Deployment', 'shop', 'web', (d) => {
      d.spec.replicas = 2;
      d.status = { ...d.status, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 };
    });
    const code = await w.exited;
    expect(w.stdout()).toContain('deployment "web" successfully rolled out');
    expect(code).toBe(0);
  });
});

describe('stopping the simulator', () => {
  it('closes open watch streams and kubectl get -w exits', async () => {
    const sim = await startTestSim({ file: FIXTURE, controllers: false });
    let w: Awaited<ReturnType<TestSim["kubectlBackground"]>> | undefined;
    try {
      w = await sim.kubectlBackground(['get', 'nodes', '-w']);
      await w.waitFor((out) => out.includes('node-2'));
    } finally {
      const t0 = Date.now();
      await sim.sim.stop();
      expect(Date.now() - t0).toBeLessThan(5000);
    }
    const code = await Promise.race([w!.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).not.toBe('still running');
    await sim.stop();
  });
});
