/**
 * Documented simulator behaviours around a drain: the seed article's case, PDB-guarded
 * evictions and a surge pod stuck on a ReadWriteOnce volume. Evictions go through the API
 * server's eviction code (src/sim/server/evict-pod.ts) against the same store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, KubeObject, Node, Pod, PodDisruptionBudget } from '../../model/k8s.js';
import { evictPod } from '../server/evict-pod.js';
import { computeTemplateHash } from './template-hash.js';
import { deployment, isReady, node, startHarness, type SimHarness } from './testing/harness.js';
import { running } from './testing/loaded-deployment.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function cordon(s: SimHarness, name: string) {
  s.store.mutate<Node>('Node', undefined, name, (n) => {
    n.spec = { ...(n.spec ?? {}), unschedulable: true };
  });
}

function evict(s: SimHarness, pod: string): number {
  try {
    return evictPod(s.store, 'default', pod, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } }, s.clock.now()).code;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/** Tracks the number of Ready, non-terminating pods labelled app=<app> over every store event. */
function readyTracker(s: SimHarness, app: string) {
  const ready = new Set(s.pods().filter((p) => p.metadata.labels?.app === app && isReady(p) && !p.metadata.deletionTimestamp).map((p) => p.metadata.name));
  const t = { min: ready.size, current: () => ready.size, stop: () => {} };
  t.stop = s.store.on((e) => {
    if (e.kind !== 'Pod' || e.object.metadata.labels?.app !== app) return;
    const p = e.object as Pod;
    if (e.type !== 'DELETED' && isReady(p) && !p.metadata.deletionTimestamp) ready.add(p.metadata.name);
    else ready.delete(p.metadata.name);
    t.min = Math.min(t.min, ready.size);
  });
  return t;
}

describe('drain scenarios', () => {
  it('loading a running Deployment from a dump starts no rollout', async () => {
    sim = await startHarness([node('w1'), node('w2'), ...running(deployment('nginx', 3, { maxSurge: 1, maxUnavailable: 0 }), ['w1', 'w1', 'w2'])]);
    await sim.advance(30_000);
    expect(sim.store.list('ReplicaSet', { namespace: 'default' })).toHaveLength(1);
    expect(sim.pods().map((p) => p.metadata.name)).toEqual(['nginx-' + computeTemplateHash(deployment('nginx', 3).spec.template) + '-p0', expect.any(String), expect.any(String)]);
    const d = sim.store.get<Deployment>('Deployment', 'default', 'nginx')!;
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it("seed article: maxSurge 1 / maxUnavailable 0 does not protect a drain — evicting 2 of 3 pods drops nginx below 3 ready", async () => {
    sim = await startHarness([node('w1'), node('w2'), ...running(deployment('nginx', 3, { maxSurge: 1, maxUnavailable: 0 }), ['w1', 'w1', 'w2'])], { podStartupMs: 5000 });
    const tracker = readyTracker(sim, 'nginx');
    cordon(sim, 'w1');
    const onW1 = sim.pods().filter((p) => p.spec.nodeName === 'w1');
    expect(onW1).toHaveLength(2);
    for (const p of onW1) expect(evict(sim, p.metadata.name)).toBe(201);
    await sim.settle();
    expect(tracker.min).toBe(1);
    // Replacements land on w2 and become ready after their startup time.
    await sim.until(() => sim!.pods().filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length === 3 && sim!.pods().length === 3, 60_000, 'recovery');
    tracker.stop();
    expect(sim.pods().every((p) => p.spec.nodeName === 'w2')).toBe(true);
  });

  it('a PDB allowing 0 disruptions refuses the eviction (429) and the pod stays', async () => {
    const pdb: PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'nginx', namespace: 'default' },
      spec: { minAvailable: 3, selector: { matchLabels: { app: 'nginx' } } },
    };
    sim = await startHarness([node('w1'), node('w2'), pdb, ...running(deployment('nginx', 3), ['w1', 'w1', 'w2'])]);
    const status = sim.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'nginx')!.status!;
    expect(status).toMatchObject({ currentHealthy: 3, desiredHealthy: 3, expectedPods: 3, disruptionsAllowed: 0 });
    expect(status.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    const victim = sim.pods()[0]!.metadata.name;
    expect(evict(sim, victim)).toBe(429);
    await sim.advance(10_000);
    const pod = sim.store.get<Pod>('Pod', 'default', victim);
    expect(pod?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('a PDB with maxUnavailable 1 lets one eviction through, then refuses until the replacement is ready', async () => {
    const pdb: PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'nginx', namespace: 'default' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'nginx' } } },
    };
    sim = await startHarness([node('w1'), node('w2'), pdb, ...running(deployment('nginx', 3), ['w1', 'w1', 'w2'])], { podStartupMs: 4000 });
    cordon(sim, 'w1');
    const [a, b] = sim.pods().filter((p) => p.spec.nodeName === 'w1').map((p) => p.metadata.name);
    expect(evict(sim, a!)).toBe(201);
    await sim.settle();
    expect(evict(sim, b!)).toBe(429);
    const pdbNow = sim.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'nginx')!.status!;
    expect(pdbNow).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    await sim.until(() => sim!.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'nginx')!.status!.disruptionsAllowed === 1, 60_000, 'budget back');
    expect(evict(sim, b!)).toBe(201);
  });

  it('a surge pod whose ReadWriteOnce volume is attached on another node never becomes ready', async () => {
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv-data' },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'] },
    };
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-data' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], claimRef: { namespace: 'default', name: 'data' } },
      status: { phase: 'Bound' },
    };
    const d = deployment('db', 1, { maxSurge: 1, maxUnavailable: 0, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    sim = await startHarness([node('w1'), node('w2'), pv, pvc, ...running(d, ['w1'])]);
    cordon(sim, 'w1');
    sim.store.mutate<Deployment>('Deployment', 'default', 'db', (x) => {
      x.spec.template.metadata = { ...(x.spec.template.metadata ?? {}), annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:05Z' } };
    });
    await sim.advance(60_000);
    const pods = sim.pods();
    expect(pods).toHaveLength(2);
    const surge = pods.find((p) => p.spec.nodeName === 'w2');
    if (!surge) throw new Error(`no surge pod on w2: ${JSON.stringify(pods.map((p) => [p.metadata.name, p.spec.nodeName, p.status?.conditions]))}`);
    expect(isReady(surge)).toBe(false);
    expect(surge.status?.phase).toBe('Pending');
    const waiting = surge.status?.containerStatuses?.[0]?.state as { waiting?: { reason?: string; message?: string } };
    expect(waiting.waiting?.reason).toBe('ContainerCreating');
    expect(waiting.waiting?.message).toContain('Multi-Attach');
    const old = pods.find((p) => p.spec.nodeName === 'w1')!;
    expect(isReady(old)).toBe(true);
    // Once the old pod is gone the volume is free and the surge pod starts.
    sim.store.remove('Pod', 'default', old.metadata.name);
    await sim.until(() => isReady(sim!.store.get<Pod>('Pod', 'default', surge.metadata.name)!), 30_000, 'surge pod ready');
  });
});
