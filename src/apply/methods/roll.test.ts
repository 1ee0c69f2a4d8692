/**
 * roll on the fake gateway and the manual clock: one `rollout restart` patch marked with the
 * plan digest, then a wait like `kubectl rollout status` until the rollout completes and the
 * action's pods are gone; a resumed apply that finds its own restart does not restart again.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment, Pod } from '../../model/k8s.js';
import { PLAN_DIGEST_ANNOTATION, RESTARTED_AT_ANNOTATION, restartValue } from '../own-marks.js';
import { FakeGateway, type FakeCall } from '../testing/fake-gateway.js';
import { manualClock } from '../testing/manual-clock.js';
import { testAction, testActionContext } from '../testing/action-context.js';
import { roll } from './roll.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function pod(name: string, node: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` }, spec: { nodeName: node, containers: [] }, status: { phase: 'Running' } };
}

function deployment(restartedAt?: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop', generation: 1 },
    spec: { replicas: 2, selector: {}, template: { metadata: restartedAt ? { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } : {}, spec: { containers: [] } } },
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  };
}

function setup(dep: Deployment) {
  const clock = manualClock();
  const fake = new FakeGateway([dep, pod('api-1', 'node-a'), pod('api-2', 'node-b')]);
  // The Deployment controller: a restart replaces both pods on node-b, done 3 s later.
  fake.react = (call: FakeCall, f: FakeGateway) => {
    if (call.op !== 'patchWorkload' || !call.patch.templateAnnotations) return;
    f.updateWorkload('Deployment', 'shop', 'api', (w) => ({ ...w, status: { ...(w as Deployment).status, updatedReplicas: 0 } }) as Deployment);
    void clock.sleep(3000).then(() => {
      f.removePod('shop', 'api-1');
      f.removePod('shop', 'api-2');
      f.put(pod('api-3', 'node-b'));
      f.put(pod('api-4', 'node-b'));
      f.updateWorkload('Deployment', 'shop', 'api', (w) => ({ ...w, status: { observedGeneration: w.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } }) as Deployment);
    });
  };
  const action = testAction('roll', { why: { code: 'OVERRIDE', override: 1 }, reason: 'override #1' });
  const ctx = testActionContext({ action, gateway: fake, clock, digest: DIGEST, wave: 2 });
  return { fake, clock, ctx };
}

describe('roll (fake gateway, manual clock)', () => {
  it('restarts once with the digest-derived value and waits for the rollout and the pods to leave', async () => {
    const { fake, clock, ctx } = setup(deployment());
    const started = clock.now();
    await roll(ctx);
    expect(fake.calls).toEqual([
      {
        op: 'patchWorkload',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'api',
        patch: { templateAnnotations: { [RESTARTED_AT_ANNOTATION]: restartValue(DIGEST, 2) }, annotations: { [PLAN_DIGEST_ANNOTATION]: DIGEST } },
      },
    ]);
    expect(fake.pods.has('shop/api-1')).toBe(false);
    expect(clock.now() - started).toBe(3000);
  });

  it('does not restart again when the restart of this plan and wave is already there (a resumed apply)', async () => {
    const { fake, ctx } = setup(deployment(restartValue(DIGEST, 2)));
    fake.removePod('shop', 'api-1');
    await roll(ctx);
    expect(fake.calls).toEqual([]);
  });
});
