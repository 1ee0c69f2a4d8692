/**
 * The real control plane itself, as the scenarios rely on it: the exact Kubernetes release, nodes
 * created through the API honoured as given and made Ready by the fake kubelet, pods Ready only
 * after their start-up delay (sim.sdrain.io/startup-ms, as `sdrain sim` reads it), a deleted pod
 * staying terminating and not Ready until its grace period ends, and the controllers' Events.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isServing } from './harness/e2e-cluster.js';
import { Scenario } from './harness/scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await Scenario.create('cp', inject('kubeconfig'));
});
afterAll(async () => {
  await s?.cleanup();
});

const pinned = /^\s*k8s\.io\/kubernetes\s+(v[\d.]+)\s*$/m.exec(readFileSync(fileURLToPath(new URL('../../kube/go.mod', import.meta.url)), 'utf8'))![1]!;

describe('the real control plane', () => {
  it.runIf(inject('clusterKind') === 'local')('reports the release it was built from to the real kubectl', async () => {
    const v = await s.kubectl(['version', '-o', 'json']);
    expect(v.code, v.stderr).toBe(0);
    const parsed = JSON.parse(v.stdout) as { serverVersion: { gitVersion: string; minor: string } };
    expect(parsed.serverVersion.gitVersion).toBe(pinned);
    expect(pinned).toMatch(/^v1\.36\./);
  });

  it('nodes are created through the API with labels, taints and allocatable, and kept Ready', async () => {
    await s.addNodes({
      big: { cpu: '16', memory: '64Gi', pods: '50', labels: { pool: 'big' } },
      tainted: { cpu: '2', memory: '4Gi', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    });
    const big = await s.cluster.core.readNode({ name: s.node('big') });
    expect(big.status?.allocatable).toMatchObject({ cpu: '16', memory: '64Gi', pods: '50' });
    expect(big.metadata?.labels?.pool).toBe('big');
    const tainted = await s.cluster.core.readNode({ name: s.node('tainted') });
    expect(tainted.spec?.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    expect(tainted.status?.nodeInfo?.kubeletVersion).toBe(pinned);
    const lease = await s.cluster.coordination.readNamespacedLease({ namespace: 'kube-node-lease', name: s.node('big') });
    expect(lease.spec?.renewTime).toBeTruthy();
  });

  it('a pod becomes Ready only after its start-up delay, and a deleted pod stays terminating, not Ready, for its grace period', async () => {
    for (const n of s.nodes) await s.cluster.cordon(n, n !== s.node('big'));
    const created = await s.cluster.core.createNamespacedPod({
      namespace: s.namespace,
      body: {
        metadata: { generateName: 'timing-', labels: { app: 'timing' }, annotations: { 'sim.sdrain.io/startup-ms': '3000' } },
        spec: { terminationGracePeriodSeconds: 4, containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    const name = created.metadata!.name!;
    const t0 = Date.now();
    let sawRunningNotReady = false;
    await s.cluster.waitFor('the pod Ready', 30_000, async () => {
      const p = await s.cluster.core.readNamespacedPod({ namespace: s.namespace, name });
      if (p.status?.phase === 'Running' && !isServing(p)) sawRunningNotReady = true;
      return isServing(p);
    }, 100);
    const readyAfter = Date.now() - t0;
    expect(readyAfter).toBeGreaterThanOrEqual(2800);
    expect(sawRunningNotReady).toBe(true);
    const pod = await s.cluster.core.readNamespacedPod({ namespace: s.namespace, name });
    const ready = pod.status!.conditions!.find((c) => c.type === 'Ready')!;
    const startup = new Date(ready.lastTransitionTime!).getTime() - new Date(pod.status!.startTime!).getTime();
    expect(startup).toBeGreaterThanOrEqual(2000); // second-resolution timestamps
    expect(startup).toBeLessThanOrEqual(6000);

    const d0 = Date.now();
    await s.cluster.core.deleteNamespacedPod({ namespace: s.namespace, name });
    let terminatingSeen = 0;
    await s.cluster.waitFor('the pod gone after its grace period', 30_000, async () => {
      const p = await s.cluster.core.readNamespacedPod({ namespace: s.namespace, name }).catch(() => undefined);
      if (p) {
        expect(p.metadata?.deletionTimestamp).toBeTruthy();
        if (Date.now() - d0 > 1000) expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
        terminatingSeen++;
      }
      return !p;
    }, 100);
    const goneAfter = Date.now() - d0;
    process.stderr.write(`a pod deleted with a 4 s grace period was gone after ${goneAfter} ms\n`);
    // The grace period counts from when the fake kubelet sees the deletion, as the kubelet does.
    expect(goneAfter).toBeGreaterThanOrEqual(3900);
    expect(goneAfter).toBeLessThan(10_000);
    expect(terminatingSeen).toBeGreaterThan(5);
  });

  it('the scheduler and controllers record Events that kubectl get events shows', async () => {
    const ev = await s.kubectl(['get', 'events', '-A', '-o', 'json']);
    expect(ev.code, ev.stderr).toBe(0);
    const events = (JSON.parse(ev.stdout) as { items: { reason: string; involvedObject: { kind: string; name: string } }[] }).items;
    // The scheduler's, for this file's pod; the node lifecycle controller's, for its nodes.
    expect(events.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name.startsWith('timing-')).map((e) => e.reason)).toContain('Scheduled');
    expect(events.filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === s.node('big')).map((e) => e.reason)).toContain('RegisteredNode');
  });
});
