/**
 * applyPlan end to end on the fake gateway and the manual clock (no simulator, no real waiting):
 * a wave that evicts, the drift check, and resuming. The test plays the ReplicaSet: an evicted
 * pod is replaced on another node and becomes ready 1 s later.
 */
import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors.js';
import type { Deployment, Pod } from '../model/k8s.js';
import type { Plan } from '../model/plan.js';
import { plan as computePlan } from '../plan/plan.js';
import { SnapshotBuilder, makeSpec } from '../plan/testing/snapshot-builder.js';
import type { ApplyDeps } from './apply-deps.js';
import type { ApplyEvent } from './apply-event.js';
import { applyPlan } from './apply-plan.js';
import { DRAINED_ANNOTATION, PLAN_DIGEST_ANNOTATION } from './own-marks.js';
import { FakeGateway, type FakeCall } from './testing/fake-gateway.js';
import { manualClock } from './testing/manual-clock.js';
import { computeDigest } from '../planfile/digest.js';

const STARTUP_MS = 1000;

function cluster() {
  return new SnapshotBuilder()
    .node('n1')
    .node('n2')
    .node('n3')
    .deployment('web', { nodes: ['n1', 'n2'], cpu: '100m' })
    .build();
}

function setup() {
  const snapshot = cluster();
  const spec = makeSpec(['n1'], { workloads: { deployment: 'evict' } });
  const p = computePlan(spec, snapshot, { toolVersion: '1.0.0' });
  const plan: Plan = { ...p, digest: computeDigest(p) };
  const fake = FakeGateway.fromSnapshot(snapshot);
  const clock = manualClock();
  let n = 0;
  // The ReplicaSet: an evicted pod is replaced on n3, ready STARTUP_MS later.
  fake.react = (call: FakeCall, f: FakeGateway) => {
    if (call.op !== 'evictPod') return;
    const dep = f.workloads.get('Deployment/default/web') as Deployment;
    const replacement: Pod = { ...structuredClone([...f.pods.values()][0]!), metadata: { ...structuredClone([...f.pods.values()][0]!.metadata), name: `web-new-${++n}`, uid: `uid-new-${n}` } };
    replacement.spec = { ...replacement.spec, nodeName: 'n3' };
    const setReady = (ready: number) => f.updateWorkload('Deployment', 'default', 'web', (w) => ({ ...w, status: { ...w.status, replicas: 2, readyReplicas: ready, availableReplicas: ready } }));
    f.put(replacement);
    setReady((dep.status?.readyReplicas ?? 2) - 1);
    void clock.sleep(STARTUP_MS).then(() => setReady(2));
  };
  const events: ApplyEvent[] = [];
  const deps: ApplyDeps = {
    gateway: fake,
    clock,
    lock: { acquire: async () => ({ lost: new AbortController().signal, release: async () => undefined }) },
    replan: (s, snap) => computePlan(s, snap, { toolVersion: '1.0.0' }),
    toolVersion: '1.0.0',
    runCommand: async () => 0,
    onEvent: (e) => events.push(e),
    signal: new AbortController().signal,
  };
  return { plan, fake, clock, deps, events };
}

const nodeWrites = (fake: FakeGateway) => fake.calls.filter((c) => c.op === 'patchNode' || c.op === 'evictPod').map((c) => (c.op === 'patchNode' ? `patch ${c.name} ${JSON.stringify(c.patch)}` : `evict ${c.name}`));

describe('applyPlan (fake gateway, manual clock)', () => {
  it('cordons, evicts the planned pod with its UID, waits for the replacement, marks the node drained', async () => {
    const { plan, fake, clock, deps, events } = setup();
    const started = clock.now();
    const result = await applyPlan(plan, { file: 'plan.json' }, deps);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('done');
    const evicted = plan.waves[0]!.actions[0]!.pods[0]!;
    expect(nodeWrites(fake)).toEqual([
      `patch n1 {"unschedulable":true,"annotations":{"${PLAN_DIGEST_ANNOTATION}":"${plan.digest}"}}`,
      `evict ${evicted}`,
      `patch n1 {"annotations":{"${DRAINED_ANNOTATION}":"${plan.digest}"}}`,
    ]);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'lock-acquired', 'drift-checked', 'wave-start', 'node-cordoned', 'workload-start', 'workload-done', 'wave-done', 'done']));
    expect(result.workloads[0]).toMatchObject({ minReady: 1 });
    expect(clock.now() - started).toBe(STARTUP_MS);
  });

  it('refuses on drift, naming the changed fact, before writing anything', async () => {
    const { plan, fake, deps, events } = setup();
    fake.updateWorkload('Deployment', 'default', 'web', (w) => ({ ...w, spec: { ...w.spec, replicas: 3 } }));
    const err = (await applyPlan(plan, { file: 'plan.json' }, deps).catch((e: unknown) => e)) as DriftError;
    expect(err).toBeInstanceOf(DriftError);
    expect(err.code).toBe('DRIFT');
    expect(err.changed).toContain('fingerprint.workloads["Deployment/default/web"].replicas');
    expect(err.diff).toMatch(/^-fingerprint\.workloads\["Deployment\/default\/web"\]\.replicas = 2$/m);
    expect(err.diff).toMatch(/^\+fingerprint\.workloads\["Deployment\/default\/web"\]\.replicas = 3$/m);
    expect(fake.calls).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'refused', code: 'DRIFT', changed: err.changed, diff: err.diff });
  });

  it('a second run finds the plan applied and changes nothing', async () => {
    const { plan, fake, deps } = setup();
    await applyPlan(plan, { file: 'plan.json' }, deps);
    const writes = fake.calls.length;
    const again = await applyPlan(plan, { file: 'plan.json' }, deps);
    expect(again.status).toBe('already-applied');
    expect(fake.calls).toHaveLength(writes);
  });
});
