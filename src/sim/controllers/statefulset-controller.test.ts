import { afterEach, describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StatefulSet } from '../../model/k8s.js';
import { isReady, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function sts(name: string, replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'postgres:17' }] } },
      ...extra,
    },
  };
}

const get = (s: SimHarness, name: string) => s.store.get<StatefulSet>('StatefulSet', 'default', name)!;

/** What `kubectl rollout status statefulset/x` checks for RollingUpdate without a partition. */
function rolledOut(x: StatefulSet): boolean {
  const s = x.status;
  if (!s || (x.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return false;
  return (s.readyReplicas ?? 0) >= (x.spec.replicas ?? 1) && s.updateRevision === s.currentRevision && (s.updatedReplicas ?? 0) === (x.spec.replicas ?? 1);
}

describe('statefulset controller', () => {
  it('OrderedReady creates pods one at a time, each after its predecessor is Running and Ready, with stable names and PVCs', async () => {
    const pv: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-a' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'fast' }, status: { phase: 'Available' } };
    const set = sts('db', 3, {
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } }],
    });
    sim = await startHarness([node('w1'), pv, set], { podStartupMs: 1000 });
    await sim.until(() => rolledOut(get(sim!, 'db')), 60_000, 'rollout');
    // Replay every store event: at each pod creation, all earlier pods must be Ready.
    const order: string[] = [];
    const ready = new Map<string, boolean>();
    for (const e of sim.events) {
      if (e.kind !== 'Pod') continue;
      if (e.type === 'ADDED') {
        expect([...ready.values()].every(Boolean)).toBe(true);
        order.push(e.object.metadata.name);
      }
      ready.set(e.object.metadata.name, isReady(e.object as Pod));
    }
    expect(order).toEqual(['db-0', 'db-1', 'db-2']);
    const pods = sim.pods();
    expect(pods[0]!.spec.hostname).toBe('db-0');
    expect(pods[0]!.spec.subdomain).toBe('db');
    expect(pods[0]!.metadata.labels!['statefulset.kubernetes.io/pod-name']).toBe('db-0');
    expect(pods[0]!.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }]);
    const pvcs = sim.store.list<PersistentVolumeClaim>('PersistentVolumeClaim', { namespace: 'default' });
    expect(pvcs.map((c) => c.metadata.name)).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    // Only one PV matched: the first claim is bound, the others stay Pending.
    expect(pvcs.map((c) => c.status?.phase)).toEqual(['Bound', 'Pending', 'Pending']);
    expect(get(sim, 'db').status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('Parallel creates all pods at once; ordinals.start shifts the names', async () => {
    sim = await startHarness([node('w1'), sts('web', 3, { podManagementPolicy: 'Parallel', ordinals: { start: 5 } })]);
    await sim.settle();
    expect(sim.pods().map((p) => p.metadata.name)).toEqual(['web-5', 'web-6', 'web-7']);
  });

  it('RollingUpdate replaces pods from the highest ordinal down, one unavailable at a time, and keeps PVCs', async () => {
    const set = sts('db', 3, { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
    sim = await startHarness([node('w1'), set], { podStartupMs: 1000 });
    await sim.until(() => rolledOut(get(sim!, 'db')), 60_000, 'first rollout');
    const firstRevision = get(sim, 'db').status!.currentRevision;
    const deleted: string[] = [];
    let maxUnready = 0;
    const off = sim.store.on((e) => {
      if (e.kind !== 'Pod') return;
      if (e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp && !e.old?.metadata.deletionTimestamp) deleted.push(e.object.metadata.name);
      const unready = 3 - sim!.pods().filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length;
      maxUnready = Math.max(maxUnready, unready);
    });
    sim.store.mutate<StatefulSet>('StatefulSet', 'default', 'db', (x) => {
      x.spec.template.spec.containers[0]!.image = 'postgres:18';
    });
    await sim.until(() => rolledOut(get(sim!, 'db')) && get(sim!, 'db').status!.currentRevision !== firstRevision, 60_000, 'update');
    off();
    expect(deleted).toEqual(['db-2', 'db-1', 'db-0']);
    expect(maxUnready).toBe(1);
    expect(sim.pods().every((p) => p.spec.containers[0]!.image === 'postgres:18')).toBe(true);
    expect(sim.store.list('PersistentVolumeClaim', { namespace: 'default' })).toHaveLength(3);
    expect(sim.store.list('ControllerRevision', { namespace: 'default' })).toHaveLength(2);
  });

  it('partition keeps lower ordinals at the old revision; OnDelete only updates deleted pods', async () => {
    sim = await startHarness([node('w1'), sts('a', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }), sts('b', 2, { updateStrategy: { type: 'OnDelete' } })], { podStartupMs: 500 });
    await sim.until(() => rolledOut(get(sim!, 'a')) && rolledOut(get(sim!, 'b')), 60_000, 'rollout');
    for (const n of ['a', 'b']) {
      sim.store.mutate<StatefulSet>('StatefulSet', 'default', n, (x) => {
        x.spec.template.spec.containers[0]!.image = 'postgres:18';
      });
    }
    await sim.advance(30_000);
    const image = (name: string) => sim!.store.get<Pod>('Pod', 'default', name)!.spec.containers[0]!.image;
    expect([image('a-0'), image('a-1'), image('a-2')]).toEqual(['postgres:17', 'postgres:17', 'postgres:18']);
    expect(get(sim, 'a').status).toMatchObject({ updatedReplicas: 1, currentReplicas: 2 });
    expect([image('b-0'), image('b-1')]).toEqual(['postgres:17', 'postgres:17']);
    sim.store.remove('Pod', 'default', 'b-1');
    await sim.advance(10_000);
    expect([image('b-0'), image('b-1')]).toEqual(['postgres:17', 'postgres:18']);
  });

  it('scaling down removes the highest ordinal first and keeps its PVC', async () => {
    const set = sts('db', 3, { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
    sim = await startHarness([node('w1'), set], { podStartupMs: 500 });
    await sim.until(() => rolledOut(get(sim!, 'db')), 60_000, 'rollout');
    sim.store.mutate<StatefulSet>('StatefulSet', 'default', 'db', (x) => {
      x.spec.replicas = 1;
    });
    await sim.until(() => sim!.pods().length === 1, 60_000, 'scale down');
    expect(sim.pods().map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(sim.store.list('PersistentVolumeClaim', { namespace: 'default' })).toHaveLength(3);
    expect(get(sim, 'db').status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });
});

describe('statefulset loaded from a dump', () => {
  it('keeps the reported updateRevision and does not roll its pods', async () => {
    const set = sts('db', 2, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } });
    set.metadata.uid = 'sts-uid';
    set.metadata.generation = 3;
    set.status = { observedGeneration: 3, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: 'db-7f9c6d5b8', updateRevision: 'db-7f9c6d5b8' };
    const pods: Pod[] = [0, 1].map((i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `db-${i}`,
        namespace: 'default',
        labels: { app: 'db', 'controller-revision-hash': 'db-7f9c6d5b8' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts-uid', controller: true }],
      },
      spec: { nodeName: 'w1', containers: [{ name: 'db', image: 'postgres:17' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    }));
    sim = await startHarness([node('w1'), set, ...pods]);
    await sim.advance(30_000);
    expect(sim.pods().map((p) => [p.metadata.name, p.metadata.uid, p.metadata.deletionTimestamp])).toEqual(pods.map((p) => [p.metadata.name, expect.any(String), undefined]));
    // No pod was created or removed after loading.
    expect(sim.events.filter((e) => e.kind === 'Pod' && e.type !== 'MODIFIED')).toHaveLength(0);
    expect(get(sim, 'db').status).toMatchObject({ currentRevision: 'db-7f9c6d5b8', updateRevision: 'db-7f9c6d5b8', updatedReplicas: 2 });
    // A real template change still rolls.
    sim.store.mutate<StatefulSet>('StatefulSet', 'default', 'db', (x) => {
      x.spec.template.spec.containers[0]!.image = 'postgres:18';
    });
    await sim.until(() => sim!.store.get<Pod>('Pod', 'default', 'db-0')?.spec.containers[0]!.image === 'postgres:18' && rolledOut(get(sim!, 'db')), 60_000, 'update');
  });
});
