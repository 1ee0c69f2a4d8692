import { describe, expect, it } from 'vitest';
import type { ClusterGateway, EvictOutcome, ObjectCache } from '../../cluster/cluster-gateway.js';
import { SdrainError } from '../../errors.js';
import type { Deployment, KubeObject, Pod } from '../../model/k8s.js';
import type { ApplyEvent } from '../apply-event.js';
import { EVICT_RETRY_MS, evict } from './evict.js';
import { manualClock } from '../testing/manual-clock.js';
import { testAction, testActionContext } from '../testing/action-context.js';

/** A cache whose content the test sets; every set notifies like a watch event. */
class FakeCache<T extends KubeObject> implements ObjectCache<T> {
  private listeners = new Set<() => void>();
  constructor(private objects: T[]) {}
  readonly synced = Promise.resolve();
  items(): T[] {
    return this.objects;
  }
  set(objects: T[]): void {
    this.objects = objects;
    for (const l of [...this.listeners]) l();
  }
  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  stop(): void {}
}

function pod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` }, spec: { nodeName: 'node-a', containers: [] } };
}

function dep(ready: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop', generation: 1 },
    spec: { replicas: 2, selector: {}, template: { spec: { containers: [] } } },
    status: { observedGeneration: 1, replicas: 2, readyReplicas: ready },
  };
}

function setup(outcomes: EvictOutcome[], timeoutMs = 60_000) {
  const nodePods = new FakeCache<Pod>([pod('api-1')]);
  const workload = new FakeCache<Deployment>([dep(2)]);
  const calls: string[] = [];
  const events: ApplyEvent[] = [];
  const gateway = {
    getPod: async (_ns: string, name: string) => nodePods.items().find((p) => p.metadata.name === name),
    evictPod: async (ns: string, name: string, uid: string): Promise<EvictOutcome> => {
      calls.push(`${ns}/${name}/${uid}`);
      const next = outcomes.shift() ?? { kind: 'evicted' };
      if (next.kind === 'evicted') {
        // The controller replaces the pod elsewhere: gone from the node, back to 2 ready.
        queueMicrotask(() => {
          nodePods.set([]);
          workload.set([dep(1)]);
          workload.set([dep(2)]);
        });
      }
      return next;
    },
  } as unknown as ClusterGateway;
  const clock = manualClock();
  const action = testAction('evict', { expectedMinReady: 1 });
  const ctx = testActionContext({ action, gateway, clock, digest: 'sha256:x', emit: (e) => events.push(e), timeoutMs, nodePods, workload });
  return { ctx, calls, events, clock };
}

describe('evict', () => {
  it('retries after 429 every 5 s until the budget allows it, with the UID precondition', async () => {
    const blocked: EvictOutcome = { kind: 'blocked', message: 'Cannot evict pod as it would violate the pod\'s disruption budget.' };
    const { ctx, calls, events, clock } = setup([blocked, blocked]);
    const start = clock.now();
    await evict(ctx);
    expect(calls).toEqual(['shop/api-1/uid-api-1', 'shop/api-1/uid-api-1', 'shop/api-1/uid-api-1']);
    expect(events.filter((e) => e.type === 'evict-retry')).toHaveLength(2);
    expect(clock.now() - start).toBe(2 * EVICT_RETRY_MS);
  });

  it('gives up at the workload deadline while the budget keeps refusing', async () => {
    const blocked: EvictOutcome = { kind: 'blocked', message: 'would violate the disruption budget' };
    const { ctx } = setup(Array.from({ length: 100 }, () => blocked), 12_000);
    await expect(evict(ctx)).rejects.toThrow(/Timed out evicting pod "shop\/api-1" of Deployment "shop\/api": would violate/);
  });

  it('stops with a clear error when several budgets cover the pod (500)', async () => {
    const { ctx, calls } = setup([{ kind: 'multiple-pdbs', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' }]);
    const err = await evict(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdrainError);
    expect((err as SdrainError).message).toBe('Cannot evict pod "shop/api-1": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    expect(calls).toHaveLength(1);
  });

  it('does not touch a pod whose UID changed (a different pod with the same name)', async () => {
    const { ctx, calls } = setup([]);
    (ctx.nodePods[0] as FakeCache<Pod>).set([{ ...pod('api-1'), metadata: { ...pod('api-1').metadata, uid: 'other' } }]);
    ctx.action.podUids = ['uid-api-1'];
    await evict(ctx);
    expect(calls).toEqual([]);
  });
});
