/**
 * surge on the fake gateway and the manual clock: no simulator, no real waiting. The test plays
 * the Deployment controller (new pods become ready 2 s after a scale-up; a scale-down removes the
 * cheapest pods first, by pod-deletion-cost) and checks what surge writes, in order, and that
 * ready replicas never drop below the original count.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment, Pod } from '../../model/k8s.js';
import { trackProgress } from '../action-context.js';
import type { ApplyEvent } from '../apply-event.js';
import { MOVE_DELETION_COST, POD_DELETION_COST_ANNOTATION, SURGE_ANNOTATION } from '../own-marks.js';
import { FakeGateway, type FakeCall } from '../testing/fake-gateway.js';
import { manualClock, type ManualClock } from '../testing/manual-clock.js';
import { testAction, testActionContext } from '../testing/action-context.js';
import { Interrupted } from '../wait-for.js';
import { surge } from './surge.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const STARTUP_MS = 2000;

function pod(name: string, node: string, ready = true): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'api' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d9c', uid: 'rs1', controller: true }] },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function deployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [] } } },
    status: { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/**
 * Plays the Deployment controller for shop/api (and its ReplicaSet) on scale changes; with
 * `neverReady` its new pods run but never become ready (their kubelet is gone).
 */
function controller(clock: ManualClock, neverReady = false) {
  let created = 0;
  const sync = (fake: FakeGateway) => {
    const dep = fake.workloads.get('Deployment/shop/api') as Deployment;
    const desired = dep.spec.replicas ?? 1;
    const pods = [...fake.pods.values()];
    // Like the ReplicaSet controller: not-ready pods go first, then the lowest pod-deletion-cost.
    const cost = (p: Pod) => Number(p.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] ?? 0);
    const rank = (p: Pod) => (isReady(p) ? 1 : 0);
    for (const p of [...pods].sort((a, b) => rank(a) - rank(b) || cost(a) - cost(b)).slice(0, Math.max(0, pods.length - desired))) fake.removePod('shop', p.metadata.name);
    for (let i = pods.length; i < desired; i++) {
      const name = `api-new-${++created}`;
      fake.put(pod(name, 'node-b', false));
      if (neverReady) continue;
      void clock.sleep(STARTUP_MS).then(() => {
        if (!fake.pods.has(`shop/${name}`)) return;
        fake.put(pod(name, 'node-b', true));
        status(fake);
      });
    }
    status(fake);
  };
  const status = (fake: FakeGateway) => {
    const pods = [...fake.pods.values()];
    const ready = pods.filter(isReady).length;
    fake.updateWorkload('Deployment', 'shop', 'api', (w) => ({
      ...w,
      status: { observedGeneration: w.metadata.generation, replicas: pods.length, readyReplicas: ready, availableReplicas: ready },
    }));
  };
  return (call: FakeCall, fake: FakeGateway) => {
    if (call.op === 'patchWorkload' && call.patch.replicas !== undefined) sync(fake);
  };
}

function setup(o: { movedReady?: boolean; neverReady?: boolean; timeoutMs?: number } = {}) {
  const clock = manualClock();
  const fake = new FakeGateway([deployment(2), pod('api-1', 'node-a', o.movedReady ?? true), pod('api-2', 'node-b')]);
  fake.react = controller(clock, o.neverReady);
  const events: ApplyEvent[] = [];
  const interrupt = new AbortController();
  const action = testAction('surge', { workload: { kind: 'Deployment', namespace: 'shop', name: 'api', uid: 'd1' } });
  const ctx = testActionContext({ action, gateway: fake, clock, digest: DIGEST, signal: interrupt.signal, emit: (e) => events.push(e), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
  return { fake, clock, ctx, events, interrupt };
}

const writes = (fake: FakeGateway) =>
  fake.calls.map((c) => (c.op === 'patchWorkload' ? `patch ${c.name} ${JSON.stringify(c.patch)}` : c.op === 'annotatePod' ? `annotate ${c.name} ${JSON.stringify(c.annotations)}` : `${c.op} ${'name' in c ? c.name : ''}`));

describe('surge (fake gateway, manual clock)', () => {
  it('records and scales up in one patch, marks the pod, waits for the new pod, scales back: never below 2 ready', async () => {
    const { fake, clock, ctx } = setup();
    const stop = trackProgress(ctx);
    const started = clock.now();
    await surge(ctx);
    stop();
    expect(writes(fake)).toEqual([
      `patch api {"replicas":3,"annotations":{"${SURGE_ANNOTATION}":"${DIGEST}/wave-1:2","sdrain.io/plan-digest":"${DIGEST}"}}`,
      `annotate api-1 {"${POD_DELETION_COST_ANNOTATION}":"${MOVE_DELETION_COST}","sdrain.io/plan-digest":"${DIGEST}"}`,
      `patch api {"replicas":2,"annotations":{"${SURGE_ANNOTATION}":null}}`,
    ]);
    expect([...fake.pods.keys()].sort()).toEqual(['shop/api-2', 'shop/api-new-1']);
    expect(ctx.minReady).toBe(2);
    // The only time that passed is the new pod's start-up: the manual clock skipped it.
    expect(clock.now() - started).toBe(STARTUP_MS);
  });

  it('scales back and unmarks the pods when interrupted while the surge pods start', async () => {
    const { fake, ctx, interrupt } = setup();
    fake.react = ((inner) => (call: FakeCall, f: FakeGateway) => {
      inner(call, f);
      if (call.op === 'annotatePod') queueMicrotask(() => interrupt.abort());
    })(fake.react);
    await expect(surge(ctx)).rejects.toBeInstanceOf(Interrupted);
    // Before the scale-back: the surge pod becomes the cheapest to remove, the moved pod unmarked.
    expect(writes(fake).slice(-3)).toEqual([
      `annotate api-new-1 {"${POD_DELETION_COST_ANNOTATION}":"${MOVE_DELETION_COST}"}`,
      `annotate api-1 {"${POD_DELETION_COST_ANNOTATION}":null,"sdrain.io/plan-digest":null}`,
      `patch api {"replicas":2,"annotations":{"${SURGE_ANNOTATION}":null}}`,
    ]);
    expect([...fake.pods.keys()].sort()).toEqual(['shop/api-1', 'shop/api-2']);
  });

  it('on a timeout with the moved pod not ready either (its node NotReady), removes the surge pod and keeps the moved one', async () => {
    // The node lifecycle controller set api-1 not Ready; the surge pod runs but its kubelet is
    // gone, so it never becomes ready. Both rank alike (Running, not ready) for the ReplicaSet:
    // only the pod-deletion-cost tells them apart.
    const { fake, ctx } = setup({ movedReady: false, neverReady: true, timeoutMs: 60_000 });
    await expect(surge(ctx)).rejects.toThrow(/Timed out waiting for 1 surge pod/);
    expect([...fake.pods.keys()].sort()).toEqual(['shop/api-1', 'shop/api-2']);
    expect((fake.workloads.get('Deployment/shop/api') as Deployment).spec.replicas).toBe(2);
    expect(fake.pods.get('shop/api-1')?.metadata.annotations?.[POD_DELETION_COST_ANNOTATION]).toBeUndefined();
  });

  it('yields to another writer of replicas: leaves its count, removes the record and the marks, fails the move', async () => {
    const { fake, ctx } = setup();
    fake.react = ((inner) => (call: FakeCall, f: FakeGateway) => {
      inner(call, f);
      // An HPA sets 5 replicas just after sdrain's scale-up.
      if (call.op === 'annotatePod' && call.annotations[POD_DELETION_COST_ANNOTATION] !== null) {
        queueMicrotask(() => f.updateWorkload('Deployment', 'shop', 'api', (w) => ({ ...w, metadata: { ...w.metadata, generation: (w.metadata.generation ?? 1) + 1 }, spec: { ...w.spec, replicas: 5 } })));
      }
    })(fake.react);
    await expect(surge(ctx)).rejects.toThrow(/its replicas were changed to 5 by someone else while sdrain had raised them from 2 to 3/);
    expect((fake.workloads.get('Deployment/shop/api') as Deployment).spec.replicas).toBe(5);
    expect(fake.workloads.get('Deployment/shop/api')?.metadata.annotations?.[SURGE_ANNOTATION]).toBeUndefined();
    expect(fake.pods.get('shop/api-1')?.metadata.annotations?.[POD_DELETION_COST_ANNOTATION]).toBeUndefined();
  });
});
