import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { StoreError, type Clock, type StoreEvent } from './types.js';
import type { KubeObject } from '../../model/k8s.js';

const fixedClock: Clock = { now: () => Date.parse('2026-11-27T12:00:00Z'), setTimeout: () => ({ cancel() {} }) };

function cm(name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ns' }, spec: { replicas: 1 }, ...extra };
}

describe('MemoryStore', () => {
  it('stamps uid, creationTimestamp, generation and a global increasing resourceVersion', () => {
    const s = new MemoryStore({ clock: fixedClock });
    const a = s.create(cm('a'));
    const b = s.create<KubeObject>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
    expect(a.metadata).toMatchObject({ creationTimestamp: '2026-11-27T12:00:00Z', generation: 1, resourceVersion: '1001' });
    expect(a.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.metadata.resourceVersion).toBe('1002');
    expect(b.metadata.generation).toBeUndefined();
    expect(s.resourceVersion()).toBe('1002');
    expect(() => s.create(cm('a'))).toThrow(StoreError);
  });

  it('derives generateName suffixes and uids from the seed', () => {
    const names = (seed: number) => {
      const s = new MemoryStore({ seed });
      return [1, 2].map(() => s.create({ ...cm(''), metadata: { name: '', generateName: 'web-', namespace: 'ns' } }).metadata.name);
    };
    expect(names(3)).toEqual(names(3));
    expect(names(3)).not.toEqual(names(4));
    expect(names(3)[0]).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('update: 409 on a stale resourceVersion, generation bumps only on spec change, no-op writes are skipped', () => {
    const s = new MemoryStore();
    const a = s.create(cm('a'));
    const stale = { ...a, metadata: { ...a.metadata, resourceVersion: '1' } };
    expect(() => s.update(stale)).toThrow(/the object has been modified/);
    const same = s.update(a);
    expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    const labelled = s.update({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = s.update({ ...labelled, spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(Number(scaled.metadata.resourceVersion)).toBeGreaterThan(Number(labelled.metadata.resourceVersion));
  });

  it('keeps status out of plain updates and spec out of status updates', () => {
    const s = new MemoryStore();
    const a = s.create(cm('a', { status: { replicas: 0 } }));
    const u = s.update({ ...a, spec: { replicas: 2 }, status: { replicas: 99 } });
    expect(u.status).toEqual({ replicas: 0 });
    const st = s.update({ ...u, spec: { replicas: 7 }, status: { replicas: 2 } }, { subresource: 'status' });
    expect(st.spec).toEqual({ replicas: 2 });
    expect(st.status).toEqual({ replicas: 2 });
  });

  it('mutate edits a copy and skips when the callback returns false', () => {
    const s = new MemoryStore();
    s.create(cm('a'));
    const rv = s.resourceVersion();
    s.mutate('Deployment', 'ns', 'a', () => false);
    expect(s.resourceVersion()).toBe(rv);
    const m = s.mutate<KubeObject>('Deployment', 'ns', 'a', (o) => {
      o.metadata.labels = { a: 'b' };
    });
    expect(m?.metadata.labels).toEqual({ a: 'b' });
    expect(s.mutate('Deployment', 'ns', 'missing', () => {})).toBeUndefined();
  });

  it('lists sorted by namespace then name, filtered, as copies', () => {
    const s = new MemoryStore();
    for (const [ns, n] of [['b', 'x'], ['a', 'z'], ['a', 'y']] as const) s.create({ ...cm(n), metadata: { name: n, namespace: ns, labels: { k: n } } });
    expect(s.list('Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/z', 'b/x']);
    expect(s.list('Deployment', { namespace: 'a', filter: (o) => o.metadata.name === 'z' })).toHaveLength(1);
    s.list('Deployment')[0]!.metadata.name = 'changed';
    expect(s.get('Deployment', 'a', 'y')).toBeDefined();
  });

  it('remove emits DELETED with a fresh resourceVersion and checks the uid precondition', () => {
    const s = new MemoryStore();
    const events: StoreEvent[] = [];
    s.on((e) => events.push(e));
    const a = s.create(cm('a'));
    expect(() => s.remove('Deployment', 'ns', 'a', { uid: 'other' })).toThrow(/Precondition failed/);
    const gone = s.remove('Deployment', 'ns', 'a', { uid: a.metadata.uid });
    expect(Number(gone.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    expect(() => s.remove('Deployment', 'ns', 'a')).toThrow(/not found/);
  });

  it('markDeleting sets deletion metadata once; the last finalizer going removes the object', () => {
    const s = new MemoryStore();
    s.create({ ...cm('a'), metadata: { name: 'a', namespace: 'ns', finalizers: ['x'] } });
    const d = s.markDeleting('Deployment', 'ns', 'a', '2026-01-01T00:00:00Z', 0);
    expect(d.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 });
    s.mutate<KubeObject>('Deployment', 'ns', 'a', (o) => {
      o.metadata.finalizers = [];
    });
    expect(s.get('Deployment', 'ns', 'a')).toBeUndefined();
  });

  it('eventsSince replays from the log and reports gone once the log no longer reaches back', () => {
    const s = new MemoryStore({ eventLogSize: 3 });
    const start = Number(s.resourceVersion());
    for (let i = 0; i < 5; i++) s.create(cm(`d${i}`));
    s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
    expect(s.eventsSince('Deployment', start)).toBe('gone');
    const recent = s.eventsSince('Deployment', start + 2);
    expect(recent).not.toBe('gone');
    expect((recent as StoreEvent[]).map((e) => e.object.metadata.name)).toEqual(['d2', 'd3', 'd4']);
    expect(s.eventsSince('Node', start)).toHaveLength(1);
  });

  it('load keeps uid and timestamps of dumped objects', () => {
    const s = new MemoryStore();
    const o = s.load({ ...cm('a'), metadata: { name: 'a', namespace: 'ns', uid: 'u-1', creationTimestamp: '2020-01-01T00:00:00Z', generation: 5 } });
    expect(o.metadata).toMatchObject({ uid: 'u-1', creationTimestamp: '2020-01-01T00:00:00Z', generation: 5 });
  });
});
