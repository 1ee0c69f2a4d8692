import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonSet, Node } from '../../model/k8s.js';
import { isReady, node, startHarness, type SimHarness } from './testing/harness.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

function ds(name: string, extra: Partial<DaemonSet['spec']['template']['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }], ...extra } },
    },
  };
}

const get = (s: SimHarness, name: string) => s.store.get<DaemonSet>('DaemonSet', 'default', name)!;

describe('daemonset controller', () => {
  it('runs one pinned pod per eligible node, including cordoned nodes, and skips tainted ones', async () => {
    const tainted = node('w3');
    tainted.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    sim = await startHarness([node('w1'), node('w2', { unschedulable: true }), tainted, ds('agent')]);
    await sim.until(() => (get(sim!, 'agent').status?.numberReady ?? 0) === 2, 60_000, 'ready');
    const pods = sim.pods();
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['w1', 'w2']);
    for (const p of pods) {
      expect(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
      ]);
      expect(p.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
      expect(isReady(p)).toBe(true);
    }
    expect(get(sim, 'agent').status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0, numberUnavailable: 0 });
  });

  it('follows nodes: a new node gets a pod; a NoExecute taint removes it', async () => {
    sim = await startHarness([node('w1'), ds('agent')]);
    await sim.until(() => (get(sim!, 'agent').status?.numberReady ?? 0) === 1, 60_000, 'ready');
    sim.store.create(node('w2'));
    await sim.until(() => (get(sim!, 'agent').status?.numberReady ?? 0) === 2, 60_000, 'second node');
    sim.store.mutate<Node>('Node', undefined, 'w1', (n) => {
      n.spec = { taints: [{ key: 'maintenance', effect: 'NoExecute' }] };
    });
    await sim.until(() => sim!.pods().length === 1, 60_000, 'evicted by taint');
    expect(sim.pods()[0]!.spec.nodeName).toBe('w2');
    expect(get(sim, 'agent').status!.desiredNumberScheduled).toBe(1);
  });

  it('rolling update replaces one node at a time (maxUnavailable 1)', async () => {
    sim = await startHarness([node('w1'), node('w2'), node('w3'), ds('agent')], { podStartupMs: 1000 });
    await sim.until(() => (get(sim!, 'agent').status?.numberAvailable ?? 0) === 3, 60_000, 'ready');
    let minAvailable = 3;
    const off = sim.store.on(() => {
      minAvailable = Math.min(minAvailable, sim!.pods().filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length);
    });
    sim.store.mutate<DaemonSet>('DaemonSet', 'default', 'agent', (d) => {
      d.spec.template.spec.containers[0]!.image = 'agent:2';
    });
    await sim.until(() => {
      const s = get(sim!, 'agent');
      return s.status?.updatedNumberScheduled === 3 && s.status.numberAvailable === 3 && s.status.observedGeneration === s.metadata.generation && sim!.pods().length === 3;
    }, 60_000, 'update');
    off();
    expect(minAvailable).toBe(2);
    expect(sim.pods().every((p) => p.spec.containers[0]!.image === 'agent:2')).toBe(true);
  });
});

describe('daemonset surge', () => {
  it('maxSurge 1 / maxUnavailable 0 keeps every node available during an update', async () => {
    const d = ds('agent');
    d.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    sim = await startHarness([node('w1'), node('w2'), node('w3'), d], { podStartupMs: 1000 });
    await sim.until(() => (get(sim!, 'agent').status?.numberAvailable ?? 0) === 3, 60_000, 'ready');
    let minNodes = 3;
    let maxPods = 3;
    const off = sim.store.on(() => {
      const live = sim!.pods().filter((p) => !p.metadata.deletionTimestamp);
      minNodes = Math.min(minNodes, new Set(live.filter(isReady).map((p) => p.spec.nodeName)).size);
      maxPods = Math.max(maxPods, live.length);
    });
    sim.store.mutate<DaemonSet>('DaemonSet', 'default', 'agent', (x) => {
      x.spec.template.spec.containers[0]!.image = 'agent:2';
    });
    await sim.until(() => sim!.pods().length === 3 && sim!.pods().every((p) => p.spec.containers[0]!.image === 'agent:2' && isReady(p)), 60_000, 'update');
    off();
    expect(minNodes).toBe(3);
    expect(maxPods).toBe(4);
    expect(get(sim, 'agent').status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3 });
  });
});
