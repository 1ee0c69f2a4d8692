import { describe, it, expect } from 'vitest';
import { MemoryStore } from '../sim/store/memory-store.js';
import type { KubeObject, Pod } from '../model/k8s.js';
import { observeReady } from './ready-observer.js';
import { availabilityRows, renderAvailabilityReport } from './availability-report.js';
import type { Plan } from '../model/plan.js';

function pod(name: string, owner: { kind: string; name: string }, ready: boolean): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true }] },
    spec: { containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as unknown as Pod;
}

function setup(): MemoryStore {
  const store = new MemoryStore({ seed: 1 });
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }] } };
  store.create(rs);
  for (const n of ['a', 'b', 'c']) store.create(pod(`web-1-${n}`, { kind: 'ReplicaSet', name: 'web-1' }, true));
  store.create(pod('db-0', { kind: 'StatefulSet', name: 'db' }, true));
  return store;
}

describe('observeReady', () => {
  it('records the least ready count per workload; terminating and unready pods do not count', () => {
    const store = setup();
    const obs = observeReady(store, ['Deployment default/web', 'StatefulSet default/db']);
    expect(obs.ready().get('Deployment default/web')).toBe(3);
    store.mutate<Pod>('Pod', 'default', 'web-1-a', (p) => void (p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z'));
    store.mutate<Pod>('Pod', 'default', 'web-1-b', (p) => void (p.status!.conditions = [{ type: 'Ready', status: 'False' }]), { subresource: 'status' });
    store.remove('Pod', 'default', 'web-1-a');
    store.create(pod('web-1-d', { kind: 'ReplicaSet', name: 'web-1' }, true));
    store.create(pod('web-1-e', { kind: 'ReplicaSet', name: 'web-1' }, true));
    store.remove('Pod', 'default', 'db-0');
    expect(obs.minReady().get('Deployment default/web')).toBe(1);
    expect(obs.ready().get('Deployment default/web')).toBe(3);
    expect(obs.minReady().get('StatefulSet default/db')).toBe(0);
    obs.stop();
    store.remove('Pod', 'default', 'web-1-d');
    expect(obs.ready().get('Deployment default/web')).toBe(3);
  });
});

describe('availability report', () => {
  it('puts sdrain and plain eviction side by side and names the difference', () => {
    const action = { workload: { kind: 'Deployment', namespace: 'default', name: 'web' }, method: 'surge', pods: ['web-1-a'], replicas: 3, expectedMinReady: 3 };
    const plan = { waves: [{ index: 1, nodes: ['n1'], actions: [action] }] } as unknown as Plan;
    const rows = availabilityRows(plan, new Map([['Deployment default/web', 3]]), new Map([['Deployment default/web', 1]]));
    expect(rows).toEqual([{ workload: 'Deployment default/web', method: 'surge', replicas: 3, floor: 3, sdrainMin: 3, plainMin: 1 }]);
    const text = renderAvailabilityReport(rows, false);
    expect(text).toContain('stayed at 3/3 with sdrain; plain eviction dropped it to 1/3');
    expect(text).not.toContain('below floor');
  });
});
