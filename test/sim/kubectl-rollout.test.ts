import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import type { Deployment, ReplicaSet } from '../../src/model/k8s.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

describe('kubectl rollout with the simulated controllers', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, podStartupMs: 200 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('rollout restart then rollout status completes once the new ReplicaSet is available', async () => {
    const restart = await sim.kubectl(['rollout', 'restart', '-n', 'shop', 'deployment/web']);
    expect(restart.stderr).toBe('');
    expect(restart.stdout).toContain('deployment.apps/web restarted');
    const d = sim.store.get<Deployment>('Deployment', 'shop', 'web')!;
    expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    const status = await sim.kubectl(['rollout', 'status', '-n', 'shop', 'deployment/web', '--timeout=45s'], { timeoutMs: 55_000 });
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    expect(status.code).toBe(0);
    const rs = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'shop' });
    expect(rs.length).toBe(2);
    expect(rs.filter((r) => (r.spec.replicas ?? 0) > 0)).toHaveLength(1);
  });

  it('scale up creates pods that become Running', async () => {
    const r = await sim.kubectl(['scale', '-n', 'shop', 'deployment/web', '--replicas=3']);
    expect(r.code).toBe(0);
    const status = await sim.kubectl(['rollout', 'status', '-n', 'shop', 'deployment/web', '--timeout=45s'], { timeoutMs: 55_000 });
    expect(status.code).toBe(0);
    const pods = await sim.kubectl(['get', 'pods', '-n', 'shop', '--no-headers']);
    expect(pods.stdout.trim().split('\n').filter((l) => /\s1\/1\s+Running\s/.test(l))).toHaveLength(3);
  });

  it('delete --cascade=foreground removes pods and ReplicaSets before the Deployment', async () => {
    const r = await sim.kubectl(['delete', '-n', 'shop', 'deployment/web', '--cascade=foreground', '--timeout=45s'], { timeoutMs: 55_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps "web" deleted');
    expect(r.code).toBe(0);
    expect(sim.store.get('Deployment', 'shop', 'web')).toBeUndefined();
    expect(sim.store.list('ReplicaSet', { namespace: 'shop' })).toEqual([]);
    expect(sim.store.list('Pod', { namespace: 'shop' }).filter((p) => !p.metadata.deletionTimestamp)).toEqual([]);
  });
});
