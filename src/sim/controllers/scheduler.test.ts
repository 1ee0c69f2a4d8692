import { afterEach, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../model/k8s.js';
import { node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function pod(name: string, cpu: string, priority?: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }], ...(priority !== undefined ? { priority } : {}) },
    status: { phase: 'Pending' },
  };
}

const get = (s: SimHarness, name: string) => s.store.get<Pod>('Pod', 'default', name)!;

describe('scheduler', () => {
  it('binds in priority order and marks what does not fit Unschedulable with the scheduler message', async () => {
    sim = await startHarness([node('w1', { cpu: '1' }), pod('low', '600m', 1), pod('high', '600m', 100)], { only: ['scheduler'] });
    expect(get(sim, 'high').spec.nodeName).toBe('w1');
    expect(get(sim, 'low').spec.nodeName).toBeUndefined();
    const cond = get(sim, 'low').status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
    expect(get(sim, 'high').status!.conditions!.find((c) => c.type === 'PodScheduled')!.status).toBe('True');
  });

  it('retries unschedulable pods when a node is added or uncordoned, and when a pod goes away', async () => {
    sim = await startHarness([node('w1', { cpu: '1', unschedulable: true }), pod('a', '600m'), pod('b', '600m')], { only: ['scheduler'] });
    expect(get(sim, 'a').spec.nodeName).toBeUndefined();
    expect(get(sim, 'a').status!.conditions![0]!.message).toBe('0/1 nodes are available: 1 node(s) were unschedulable.');
    sim.store.mutate<Node>('Node', undefined, 'w1', (n) => {
      n.spec = {};
    });
    await sim.settle();
    expect(get(sim, 'a').spec.nodeName).toBe('w1');
    expect(get(sim, 'b').spec.nodeName).toBeUndefined();
    sim.store.remove('Pod', 'default', 'a');
    await sim.settle();
    expect(get(sim, 'b').spec.nodeName).toBe('w1');
  });
});
