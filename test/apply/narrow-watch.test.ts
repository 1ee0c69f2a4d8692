/**
 * The gateway's narrow watches: readSnapshot reads exactly the snapshot `sdrain plan` reads and
 * leaves nothing watching; each cache apply asks for (a node's pods, one workload) is one LIST +
 * one WATCH narrowed on the server, receiving the changes of its objects and nothing of the rest
 * of the cluster; annotatePod refuses a pod recreated under the same name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeGateway } from '../../src/cluster/kube-gateway.js';
import { readLiveSnapshot } from '../../src/cluster/read-snapshot.js';
import type { Deployment, KubeObject, Pod } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED } from './apply-harness.js';

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Bare pods on worker-2, enough to need more than one list page (500). */
function extraPods(n: number): KubeObject[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `filler-${String(i).padStart(4, '0')}`, namespace: 'default', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, labels: { app: 'filler' } },
    spec: { nodeName: 'worker-2', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }));
}

function until(cache: { onChange(l: () => void): () => void; items(): unknown[] }, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const t = setTimeout(() => reject(new Error('timed out waiting for the cache')), 15_000);
    const off = cache.onChange(() => {
      if (!check()) return;
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

/** Checks a condition every 20 ms until it holds or 15 s pass. */
async function condition(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('narrow watches of the kube gateway', () => {
  it('reads the same snapshot as sdrain plan, then watches only what each wait needs', async () => {
    const { readObjects } = await import('../../src/snapshot/read-objects.js');
    const { readFileSync } = await import('node:fs');
    const objects = [...readObjects(readFileSync(SEED, 'utf8'), SEED).objects, ...extraPods(620)];
    sim = await startTestSim({ objects, controllers: false });
    const gateway = createKubeGateway({ kc: sim.kc, server: sim.url, readSnapshot: (kc) => readLiveSnapshot(kc, { server: sim!.url }) });
    const before = sim.sim.requestCount();
    const read = await gateway.readSnapshot();
    // 14 kinds listed once each, Pods in two pages; no watch left running.
    const afterRead = sim.sim.requestCount();
    expect((afterRead.byVerb.list ?? 0) - (before.byVerb.list ?? 0)).toBe(15);
    expect(afterRead.byVerb.watch ?? 0).toBe(before.byVerb.watch ?? 0);
    expect(read).toEqual(await readLiveSnapshot(sim.kc, { server: sim.url }));
    expect(read.pods.length).toBeGreaterThan(620);

    const atCaches = sim.sim.requestCount();
    const onWorker1 = gateway.watch<Pod>({ kind: 'Pod', fieldSelector: 'spec.nodeName=worker-1' });
    const nginx = gateway.watch<Deployment>({ kind: 'Deployment', namespace: 'default', name: 'nginx' });
    try {
      await Promise.all([onWorker1.synced, nginx.synced]);
      // Each cache listed only its objects (one page: the 620 pods on worker-2 are not sent).
      expect(onWorker1.items().map((p) => p.spec.nodeName)).toEqual(['worker-1', 'worker-1']);
      expect(nginx.items().map((d) => d.metadata.name)).toEqual(['nginx']);
      await condition(() => (sim!.sim.requestCount().byVerb.watch ?? 0) - (atCaches.byVerb.watch ?? 0) === 2);
      const started = sim.sim.requestCount();
      expect((started.byVerb.list ?? 0) - (atCaches.byVerb.list ?? 0)).toBe(2);
      expect(started.total - atCaches.total).toBe(4);

      // A change on worker-2 does not reach the worker-1 cache; the change on worker-1 after it does.
      let changes = 0;
      onWorker1.onChange(() => changes++);
      const other = read.pods.find((p) => p.spec.nodeName === 'worker-2')!;
      await gateway.annotatePod('default', other.metadata.name, other.metadata.uid ?? '', { 'example.com/seen': 'yes' });
      const pod = onWorker1.items()[0]!;
      await gateway.annotatePod('default', pod.metadata.name, pod.metadata.uid ?? '', { 'example.com/seen': 'yes' });
      await until(onWorker1, () => onWorker1.items().some((p) => p.metadata.annotations?.['example.com/seen'] === 'yes'));
      expect(changes).toBe(1);
      expect(onWorker1.items().every((p) => p.spec.nodeName === 'worker-1')).toBe(true);
      await gateway.patchWorkload('Deployment', 'default', 'nginx', { annotations: { 'example.com/seen': 'yes' } });
      await until(nginx, () => nginx.items()[0]?.metadata.annotations?.['example.com/seen'] === 'yes');
      // Only the three PATCHes were sent after the caches started.
      expect(sim.sim.requestCount().total - started.total).toBe(3);
    } finally {
      onWorker1.stop();
      nginx.stop();
    }
  });

  it('annotatePod sends one PATCH with the UID as precondition: a different pod under the name is left alone', async () => {
    sim = await startTestSim({ file: SEED, controllers: false });
    const gateway = createKubeGateway({ kc: sim.kc, server: sim.url, readSnapshot: (kc) => readLiveSnapshot(kc, { server: sim!.url }) });
    const pods = await gateway.listPods({ nodeName: 'worker-1' });
    const p = pods[0]!;
    const before = sim.sim.requestCount();
    expect(await gateway.annotatePod('default', p.metadata.name, 'not-its-uid', { 'example.com/x': '1' })).toBe('gone');
    expect((await gateway.getPod('default', p.metadata.name))?.metadata.annotations?.['example.com/x']).toBeUndefined();
    expect(await gateway.annotatePod('default', p.metadata.name, p.metadata.uid ?? '', { 'example.com/x': '1' })).toBe('patched');
    expect((await gateway.getPod('default', p.metadata.name))?.metadata.annotations?.['example.com/x']).toBe('1');
    expect(await gateway.annotatePod('default', 'no-such-pod', 'x', { 'example.com/x': '1' })).toBe('gone');
    const after = sim.sim.requestCount();
    expect((after.byVerb.patch ?? 0) - (before.byVerb.patch ?? 0)).toBe(3);
    expect((after.byVerb.get ?? 0) - (before.byVerb.get ?? 0)).toBe(2);
  });
});
