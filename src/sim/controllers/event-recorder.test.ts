import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/k8s.js';
import { MemoryStore } from '../store/memory-store.js';
import { ManualClock } from './testing/manual-clock.js';
import { createEventRecorder, EVENT_TTL_MS } from './event-recorder.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` }, spec: {} });
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1' }, spec: {} };
const SCHED = { component: 'default-scheduler' };
const failed = { type: 'Warning' as const, reason: 'FailedScheduling', message: '0/1 nodes are available: 1 Insufficient cpu.' };

type Ev = KubeObject & { count: number; reason: string; source: { component: string; host?: string }; involvedObject: { kind: string; name: string; fieldPath?: string }; reportingController: string };

function setup(opts: { maxEvents?: number } = {}) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock, seed: 7 });
  return { clock, store, events: createEventRecorder(store, opts), list: () => store.list<Ev>('Event') };
}

describe('event recorder', () => {
  it('writes an Event in both views, in the object namespace (default for cluster-scoped objects)', () => {
    const { events, list } = setup();
    events.record({ component: 'kubelet', host: 'n1' }, pod('web-1'), { type: 'Normal', reason: 'Started', message: 'Started container c', fieldPath: 'spec.containers{c}' });
    events.record({ component: 'node-controller' }, node, { type: 'Normal', reason: 'RegisteredNode', message: 'Node n1 event: Registered Node n1 in Controller' });
    const [a, b] = list().sort((x, y) => (x.metadata.namespace! < y.metadata.namespace! ? -1 : 1));
    expect(a).toMatchObject({ metadata: { namespace: 'default' }, involvedObject: { kind: 'Node', name: 'n1' }, reason: 'RegisteredNode', count: 1 });
    expect(b).toMatchObject({ metadata: { namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{c}' }, source: { component: 'kubelet', host: 'n1' }, reportingController: 'kubelet', count: 1 });
    expect(b!.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
  });

  it('counts a repeat instead of writing a new Event, and drops repeats beyond the spam burst', () => {
    const { clock, events, list } = setup();
    events.record(SCHED, pod('p'), failed);
    clock.advance(1000);
    events.record(SCHED, pod('p'), failed);
    expect(list()).toHaveLength(1);
    expect(list()[0]!.count).toBe(2);
    for (let i = 0; i < 40; i++) events.record(SCHED, pod('p'), failed);
    expect(list()[0]!.count).toBe(25);
    clock.advance(5 * 60 * 1000);
    events.record(SCHED, pod('p'), failed);
    expect(list()[0]!.count).toBe(26);
  });

  it('expires Events an hour after their last occurrence and keeps at most maxEvents, oldest first', () => {
    const { clock, events, list } = setup({ maxEvents: 3 });
    for (const n of ['a', 'b', 'c', 'd']) {
      events.record(SCHED, pod(n), failed);
      clock.advance(10);
    }
    expect(list().map((e) => e.involvedObject.name).sort()).toEqual(['b', 'c', 'd']);
    clock.advance(EVENT_TTL_MS);
    events.record(SCHED, pod('e'), failed);
    expect(list().map((e) => e.involvedObject.name)).toEqual(['e']);
  });

  it('draws nothing from the seeded generator: generated names after Events are those without them', () => {
    const withEvents = setup();
    for (let i = 0; i < 5; i++) withEvents.events.record(SCHED, pod(`p${i}`), failed);
    const plain = setup();
    const created = (s: MemoryStore) => s.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: '', generateName: 'web-', namespace: 'shop' }, spec: {} });
    const a = created(withEvents.store);
    const b = created(plain.store);
    expect(a.metadata.name).toBe(b.metadata.name);
    expect(a.metadata.uid).toBe(b.metadata.uid);
  });
});
