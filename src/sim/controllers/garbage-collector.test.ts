import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../model/k8s.js';
import { deployment, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

describe('garbage collector', () => {
  it('removing a Deployment removes its ReplicaSets and then their pods (background)', async () => {
    sim = await startHarness([node('w1'), deployment('web', 3)], { podStartupMs: 500 });
    await sim.until(() => sim!.pods().length === 3, 30_000, 'pods');
    sim.store.remove('Deployment', 'default', 'web');
    await sim.until(() => sim!.pods().length === 0 && sim!.store.list('ReplicaSet').length === 0, 30_000, 'cascade');
  });

  it('foreground deletion removes dependents first, then the owner', async () => {
    sim = await startHarness([node('w1'), deployment('web', 2)], { podStartupMs: 500 });
    await sim.until(() => sim!.pods().length === 2, 30_000, 'pods');
    sim.store.markDeleting('Deployment', 'default', 'web', '2026-01-01T00:00:00Z', 0, 'foregroundDeletion');
    await sim.settle();
    expect(sim.store.get<Deployment>('Deployment', 'default', 'web')).toBeUndefined();
    expect(sim.store.list('ReplicaSet')).toHaveLength(0);
    await sim.until(() => sim!.pods().length === 0, 30_000, 'pods gone');
  });

  it('leaves dependents loaded without their owner alone', async () => {
    const orphan = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'nope', controller: true }] }, spec: { nodeName: 'w1', containers: [{ name: 'c' }] }, status: { phase: 'Running' } };
    sim = await startHarness([node('w1'), orphan]);
    await sim.advance(10_000);
    expect(sim.pods().map((p) => p.metadata.name)).toEqual(['x']);
  });
});

describe('pod garbage collection', () => {
  it('removes pods of a deleted node after 40 s; the Deployment replaces them elsewhere', async () => {
    sim = await startHarness([node('w1'), node('w2'), deployment('web', 2)], { podStartupMs: 500 });
    await sim.until(() => sim!.pods().length === 2 && sim!.pods().every((p) => p.status?.phase === 'Running'), 30_000, 'pods');
    const victim = sim.pods()[0]!;
    const doomed = sim.pods().filter((p) => p.spec.nodeName === victim.spec.nodeName).map((p) => p.metadata.name);
    sim.store.remove('Node', undefined, victim.spec.nodeName!);
    await sim.advance(39_000);
    expect(sim.pods().map((p) => p.metadata.name)).toEqual(expect.arrayContaining(doomed));
    await sim.advance(2000);
    await sim.until(() => sim!.pods().length === 2 && sim!.pods().every((p) => !doomed.includes(p.metadata.name)), 30_000, 'replaced');
  });
});
