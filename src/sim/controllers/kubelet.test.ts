import { afterEach, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../model/k8s.js';
import { isReady, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function pod(name: string, nodeName: string | undefined, annotations: Record<string, string> = {}, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }], ...extra },
    status: { phase: 'Pending' },
  };
}

const get = (s: SimHarness, name: string) => s.store.get<Pod>('Pod', 'default', name);
const waitingReason = (p: Pod | undefined) => (p?.status?.containerStatuses?.[0]?.state as { waiting?: { reason?: string } } | undefined)?.waiting?.reason;

describe('kubelet', () => {
  it('takes a bound pod from ContainerCreating to Running at half its startup time and Ready at its startup time', async () => {
    sim = await startHarness([node('w1'), pod('a', 'w1'), pod('b', 'w1', { 'sim.sdrain.io/startup-ms': '10000' })], { podStartupMs: 4000, only: ['kubelet'] });
    expect(get(sim, 'a')!.status?.phase).toBe('Pending');
    expect(waitingReason(get(sim, 'a'))).toBe('ContainerCreating');
    expect(get(sim, 'a')!.status?.hostIP).toMatch(/^10\.0\.0\./);
    await sim.advance(1999);
    expect(get(sim, 'a')!.status?.phase).toBe('Pending');
    await sim.advance(1);
    expect(get(sim, 'a')!.status?.phase).toBe('Running');
    expect(isReady(get(sim, 'a')!)).toBe(false);
    expect(get(sim, 'a')!.status?.podIP).toMatch(/^10\./);
    await sim.advance(2000);
    expect(isReady(get(sim, 'a')!)).toBe(true);
    const conditions = get(sim, 'a')!.status!.conditions!.map((c) => `${c.type}=${c.status}`);
    expect(conditions).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(isReady(get(sim, 'b')!)).toBe(false);
    await sim.advance(6000);
    expect(isReady(get(sim, 'b')!)).toBe(true);
  });

  it('never readies a pod annotated never-ready, and leaves pods on missing nodes and loaded Running pods alone', async () => {
    const loaded = pod('loaded', 'w1');
    loaded.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
    sim = await startHarness([node('w1'), pod('stuck', 'w1', { 'sim.sdrain.io/never-ready': 'true' }), pod('ghost', 'gone'), loaded], { podStartupMs: 1000, only: ['kubelet'] });
    await sim.advance(60_000);
    expect(get(sim, 'stuck')!.status?.phase).toBe('Running');
    expect(isReady(get(sim, 'stuck')!)).toBe(false);
    expect(get(sim, 'ghost')!.status).toEqual({ phase: 'Pending' });
    expect(get(sim, 'loaded')!.status).toEqual(loaded.status);
  });

  it('with the fast-test cap, removes a deleted pod after min(grace, cap), or after sim.sdrain.io/termination-ms', async () => {
    sim = await startHarness(
      [node('w1'), pod('fast', 'w1', {}, { terminationGracePeriodSeconds: 30 }), pod('slow', 'w1', { 'sim.sdrain.io/termination-ms': '20000' }), pod('zero', 'w1', {}, { terminationGracePeriodSeconds: 0 })],
      { podStartupMs: 1000, only: ['kubelet'] },
    );
    await sim.advance(2000);
    const now = sim.clock.now();
    for (const name of ['fast', 'slow', 'zero']) {
      const p = get(sim, name)!;
      const grace = p.spec.terminationGracePeriodSeconds ?? 30;
      sim.store.markDeleting('Pod', 'default', name, new Date(now + grace * 1000).toISOString(), grace);
    }
    await sim.settle();
    expect(get(sim, 'zero')).toBeUndefined();
    await sim.advance(999);
    expect(get(sim, 'fast')).toBeDefined();
    await sim.advance(1);
    expect(get(sim, 'fast')).toBeUndefined();
    await sim.advance(18_000);
    expect(get(sim, 'slow')).toBeDefined();
    await sim.advance(1000);
    expect(get(sim, 'slow')).toBeUndefined();
  });

  it('by default keeps a deleted pod terminating for its whole grace period, as a real kubelet may', async () => {
    sim = await startHarness([node('w1'), pod('graceful', 'w1', {}, { terminationGracePeriodSeconds: 30 }), pod('short', 'w1', {}, { terminationGracePeriodSeconds: 3 })], {
      podStartupMs: 1000,
      only: ['kubelet'],
      maxTerminationMs: null,
    });
    await sim.advance(2000);
    const now = sim.clock.now();
    for (const name of ['graceful', 'short']) {
      const grace = get(sim, name)!.spec.terminationGracePeriodSeconds ?? 30;
      sim.store.markDeleting('Pod', 'default', name, new Date(now + grace * 1000).toISOString(), grace);
    }
    await sim.advance(2999);
    expect(get(sim, 'short')).toBeDefined();
    await sim.advance(1);
    expect(get(sim, 'short')).toBeUndefined();
    await sim.advance(26_999);
    expect(get(sim, 'graceful')?.metadata.deletionTimestamp).toBeDefined();
    await sim.advance(1);
    expect(get(sim, 'graceful')).toBeUndefined();
  });

  it('registers a node created without conditions as Ready, and leaves a NotReady node NotReady', async () => {
    const bare: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' }, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '10' } } } as Node;
    const down = node('down');
    down.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' } as never];
    sim = await startHarness([bare, down], { only: ['kubelet'] });
    await sim.settle();
    const ready = (n: string) => sim!.store.get<Node>('Node', undefined, n)?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    expect(ready('bare')).toBe('True');
    expect(sim.store.get<Node>('Node', undefined, 'bare')?.status?.allocatable).toEqual({ cpu: '2', memory: '4Gi', pods: '10' });
    expect(ready('down')).toBe('False');
  });
});
