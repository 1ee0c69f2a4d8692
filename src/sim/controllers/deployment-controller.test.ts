import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod, ReplicaSet } from '../../model/k8s.js';
import { deployment, isReady, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

const getDeploy = (s: SimHarness, name: string) => s.store.get<Deployment>('Deployment', 'default', name)!;

/** What `kubectl rollout status` checks. */
function rolloutComplete(d: Deployment): boolean {
  const s = d.status ?? {};
  return (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) && s.updatedReplicas === d.spec.replicas && s.replicas === s.updatedReplicas && s.availableReplicas === s.updatedReplicas;
}

function restart(s: SimHarness, name: string, at: string) {
  s.store.mutate<Deployment>('Deployment', 'default', name, (d) => {
    d.spec.template.metadata = { ...(d.spec.template.metadata ?? {}), annotations: { 'kubectl.kubernetes.io/restartedAt': at } };
  });
}

describe('deployment controller', () => {
  it('creates one ReplicaSet named after the template hash and rolls out to completion', async () => {
    sim = await startHarness([node('w1'), node('w2'), deployment('web', 3)]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'rollout');
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss).toHaveLength(1);
    const hash = rss[0]!.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rss[0]!.metadata.name).toBe(`web-${hash}`);
    expect(rss[0]!.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    const d = getDeploy(sim, 'web');
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    const conds = Object.fromEntries((d.status!.conditions ?? []).map((c) => [c.type, c.reason]));
    expect(conds).toEqual({ Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });
    const pods = sim.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name.startsWith(`web-${hash}-`)).toBe(true);
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: `web-${hash}`, controller: true });
      expect(p.spec.nodeName).toMatch(/^w[12]$/);
      expect(isReady(p)).toBe(true);
      expect(p.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });

  it('replicas 3, maxSurge 1, maxUnavailable 0: ready never drops below 3 during a restart', async () => {
    sim = await startHarness([node('w1'), node('w2'), deployment('web', 3, { maxSurge: 1, maxUnavailable: 0 })]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'first rollout');
    const ready = new Set(sim.pods().filter(isReady).map((p) => p.metadata.name));
    let minReady = ready.size;
    let maxPods = 0;
    const live = new Set(sim.pods().map((p) => p.metadata.name));
    const off = sim.store.on((e) => {
      if (e.kind !== 'Pod') return;
      const p = e.object as Pod;
      // Terminating pods are gone from the ReplicaSet's count (they may linger for their grace period).
      if (e.type === 'DELETED' || p.metadata.deletionTimestamp) live.delete(p.metadata.name);
      else live.add(p.metadata.name);
      if (e.type !== 'DELETED' && isReady(p) && !p.metadata.deletionTimestamp) ready.add(p.metadata.name);
      else ready.delete(p.metadata.name);
      minReady = Math.min(minReady, ready.size);
      maxPods = Math.max(maxPods, live.size);
    });
    restart(sim, 'web', '2026-01-01T00:00:10Z');
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')) && sim!.pods().length === 3, 60_000, 'restart rollout');
    off();
    expect(minReady).toBe(3);
    expect(maxPods).toBe(4);
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss).toHaveLength(2);
    expect(rss.map((r) => [r.spec.replicas, r.metadata.annotations!['deployment.kubernetes.io/revision']]).sort()).toEqual([[0, '1'], [3, '2']]);
    expect(getDeploy(sim, 'web').metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('replicas 2 with default 25%/25% surges only: never fewer than 2 available, at most 3 pods', async () => {
    sim = await startHarness([node('w1'), deployment('web', 2)]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'first rollout');
    let minAvailable = 2;
    let maxReplicas = 0;
    const off = sim.store.on((e) => {
      if (e.kind === 'Deployment') {
        const s = (e.object as Deployment).status ?? {};
        minAvailable = Math.min(minAvailable, s.availableReplicas ?? 0);
      }
      if (e.kind === 'ReplicaSet') {
        const total = sim!.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' }).reduce((n, r) => n + (r.spec.replicas ?? 0), 0);
        maxReplicas = Math.max(maxReplicas, total);
      }
    });
    restart(sim, 'web', '2026-01-01T00:00:10Z');
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'restart rollout');
    off();
    expect(minAvailable).toBe(2);
    expect(maxReplicas).toBe(3);
  });

  it('Recreate scales the old ReplicaSet to 0 and waits for its pods to be gone before creating new ones', async () => {
    sim = await startHarness([node('w1'), deployment('web', 3, { recreate: true })]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'first rollout');
    const oldNames = new Set(sim.pods().map((p) => p.metadata.name));
    let sawZero = false;
    let overlap = false;
    const live = new Set(oldNames);
    const off = sim.store.on((e) => {
      if (e.kind !== 'Pod') return;
      if (e.type === 'DELETED') live.delete(e.object.metadata.name);
      else live.add(e.object.metadata.name);
      if (live.size === 0) sawZero = true;
      if ([...live].some((n) => oldNames.has(n)) && [...live].some((n) => !oldNames.has(n))) overlap = true;
    });
    restart(sim, 'web', '2026-01-01T00:00:10Z');
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')) && sim!.pods().length === 3, 60_000, 'recreate rollout');
    off();
    expect(sawZero).toBe(true);
    expect(overlap).toBe(false);
    expect(sim.pods().every((p) => !oldNames.has(p.metadata.name))).toBe(true);
  });

  it('scaling keeps the current ReplicaSet and scales it, no new template hash', async () => {
    sim = await startHarness([node('w1'), deployment('web', 2)]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'rollout');
    sim.store.mutate<Deployment>('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 5;
    });
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'scale up');
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss).toHaveLength(1);
    expect(rss[0]!.spec.replicas).toBe(5);
    expect(rss[0]!.metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(sim.pods().filter(isReady)).toHaveLength(5);
  });

  it('scales proportionally when replicas change mid-rollout', async () => {
    sim = await startHarness([node('w1', { cpu: '64' }), deployment('web', 10, { maxSurge: 3, maxUnavailable: 2 })]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'rollout');
    restart(sim, 'web', '2026-01-01T00:00:10Z');
    await sim.settle();
    const before = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' }).map((r) => r.spec.replicas ?? 0);
    expect(before.reduce((a, b) => a + b, 0)).toBe(13);
    sim.store.mutate<Deployment>('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 20;
    });
    await sim.settle();
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    const total = rss.reduce((n, r) => n + (r.spec.replicas ?? 0), 0);
    // allowed = 20 + maxSurge(3) = 23, spread over both ReplicaSets in proportion.
    expect(total).toBe(23);
    expect(rss.every((r) => (r.spec.replicas ?? 0) > 0)).toBe(true);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 120_000, 'rollout after scale');
    expect(sim.pods().filter(isReady)).toHaveLength(20);
  });

  it('a paused Deployment does not roll out a template change', async () => {
    sim = await startHarness([node('w1'), deployment('web', 2)]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'rollout');
    sim.store.mutate<Deployment>('Deployment', 'default', 'web', (d) => {
      d.spec.paused = true;
    });
    restart(sim, 'web', '2026-01-01T00:00:10Z');
    await sim.advance(20_000);
    expect(sim.store.list('ReplicaSet', { namespace: 'default' })).toHaveLength(1);
    const progressing = getDeploy(sim, 'web').status!.conditions!.find((c) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
  });

  it('reports ProgressDeadlineExceeded when new pods never become ready', async () => {
    const d = deployment('web', 2, { maxSurge: 1, maxUnavailable: 0 });
    d.spec.progressDeadlineSeconds = 30;
    sim = await startHarness([node('w1'), d]);
    await sim.until(() => rolloutComplete(getDeploy(sim!, 'web')), 60_000, 'rollout');
    sim.store.mutate<Deployment>('Deployment', 'default', 'web', (x) => {
      x.spec.template.metadata = { ...(x.spec.template.metadata ?? {}), annotations: { 'sim.sdrain.io/never-ready': 'true' } };
    });
    await sim.until(() => getDeploy(sim!, 'web').status?.conditions?.some((c) => c.reason === 'ProgressDeadlineExceeded') ?? false, 120_000, 'deadline');
    const p = getDeploy(sim, 'web').status!.conditions!.find((c) => c.type === 'Progressing')!;
    expect(p.status).toBe('False');
    // The old pods stay: maxUnavailable 0 never lets the rollout remove a ready pod.
    expect(sim.pods().filter(isReady)).toHaveLength(2);
  });
});
