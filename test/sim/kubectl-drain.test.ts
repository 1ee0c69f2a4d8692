import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import type { Pod, PodDisruptionBudget } from '../../src/model/k8s.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

describe('kubectl drain', () => {
  let sim: TestSim | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('evicts, polls until 404, retries a 429 after the budget frees up (the test plays kubelet)', async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
    const s = sim;
    // Play kubelet: a terminating pod goes away shortly after its deletionTimestamp is set.
    s.store.on((e) => {
      if (e.kind === 'Pod' && e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp && !e.old?.metadata.deletionTimestamp) {
        setTimeout(() => {
          if (s.store.get('Pod', e.object.metadata.namespace, e.object.metadata.name)) s.store.remove('Pod', e.object.metadata.namespace, e.object.metadata.name);
        }, 300);
      }
    });
    // No budget left: the first eviction gets 429; once kubectl reported it, free one disruption.
    s.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', 'shop', 'web', (p) => {
      p.status!.disruptionsAllowed = 0;
    }, { subresource: 'status' });
    const before = s.sim.requestCount();
    const drain = await s.kubectlBackground(['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=40s']);
    await drain.waitFor(() => drain.stderr().includes('will retry after 5s'), 30_000);
    expect(drain.stderr()).toContain(`error when evicting pods/"web-7c9f8d-aaaaa" -n "shop" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    s.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', 'shop', 'web', (p) => {
      p.status!.disruptionsAllowed = 1;
    }, { subresource: 'status' });
    const code = await drain.exited;
    expect(drain.stdout()).toContain('node/node-1 cordoned');
    expect(drain.stdout()).toContain('pod/web-7c9f8d-aaaaa evicted');
    expect(drain.stdout()).toContain('node/node-1 drained');
    expect(drain.stderr()).toContain('Warning: ignoring DaemonSet-managed Pods: kube-system/agent-xxxxx');
    expect(code).toBe(0);
    expect(s.store.get('Pod', 'shop', 'web-7c9f8d-aaaaa')).toBeUndefined();
    expect(s.store.get('Pod', 'kube-system', 'agent-xxxxx')).toBeDefined();
    const after = s.sim.requestCount();
    // At least two eviction POSTs (429, then 201) and GETs of the node, DaemonSet and pod polls.
    expect((after.byVerb.create ?? 0) - (before.byVerb.create ?? 0)).toBeGreaterThanOrEqual(2);
    expect((after.byVerb.get ?? 0) - (before.byVerb.get ?? 0)).toBeGreaterThanOrEqual(3);
  });

  it('drains a node end to end with the controllers: the ReplicaSet replaces the pod elsewhere', async () => {
    sim = await startTestSim({ file: FIXTURE, podStartupMs: 200 });
    const s = sim;
    const r = await s.kubectl(['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=40s'], { timeoutMs: 50_000 });
    expect(r.stdout).toContain('pod/web-7c9f8d-aaaaa evicted');
    expect(r.stdout).toContain('node/node-1 drained');
    expect(r.code).toBe(0);
    // The replacement lands on node-2 (node-1 is cordoned) and becomes Ready.
    const deadline = Date.now() + 20_000;
    let pods: Pod[] = [];
    for (;;) {
      pods = s.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => !p.metadata.deletionTimestamp);
      const ready = pods.filter((p) => p.spec.nodeName === 'node-2' && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length === 2) break;
      if (Date.now() > deadline) throw new Error(`replacement never became ready: ${JSON.stringify(pods.map((p) => [p.metadata.name, p.spec.nodeName, p.status?.phase]))}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(pods.map((p) => p.spec.nodeName)).toEqual(['node-2', 'node-2']);
  });
});
