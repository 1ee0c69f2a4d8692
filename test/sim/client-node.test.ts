import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import type { PodDisruptionBudget } from '../../src/model/k8s.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');
const SMP = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** Waits for `pred` to hold, checking on every event-loop turn, up to `ms`. */
async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('@kubernetes/client-node against the simulator (no controllers)', () => {
  let sim: TestSim;
  let core: k8s.CoreV1Api;
  let coord: k8s.CoordinationV1Api;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
    core = sim.kc.makeApiClient(k8s.CoreV1Api);
    coord = sim.kc.makeApiClient(k8s.CoordinationV1Api);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('rejects requests without the bearer token', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.sim.kubeconfig.replace(sim.sim.token, 'wrong-token'));
    const err = await kc.makeApiClient(k8s.CoreV1Api).listNode().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<unknown>).code).toBe(401);
  });

  it('lists pods by spec.nodeName field selector across namespaces', async () => {
    const list = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-1' });
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual(['kube-system/agent-xxxxx', 'shop/web-7c9f8d-aaaaa']);
    const none = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-9' });
    expect(none.items).toEqual([]);
    const byLabel = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web', limit: 1 });
    expect(byLabel.items).toHaveLength(1);
    expect(byLabel.metadata?._continue).toBeTruthy();
    const rest = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web', limit: 1, _continue: byLabel.metadata!._continue! });
    expect(rest.items.map((p) => p.metadata?.name)).toEqual(['web-7c9f8d-bbbbb']);
    const bad = await core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }).catch((e: unknown) => e);
    expect((bad as k8s.ApiException<string>).code).toBe(400);
    expect(JSON.parse((bad as k8s.ApiException<string>).body).message).toBe('field label not supported: spec.bogus');
  });

  it('patches a node with strategic merge (labels merge, null deletes)', async () => {
    await core.patchNode({ name: 'node-2', body: { metadata: { labels: { extra: 'yes' } }, spec: { unschedulable: true } } }, SMP);
    let n = await core.readNode({ name: 'node-2' });
    expect(n.spec?.unschedulable).toBe(true);
    expect(n.metadata?.labels).toMatchObject({ extra: 'yes', 'kubernetes.io/hostname': 'node-2' });
    await core.patchNode({ name: 'node-2', body: { metadata: { labels: { extra: null } }, spec: { unschedulable: null } } }, SMP);
    n = await core.readNode({ name: 'node-2' });
    expect(n.spec?.unschedulable).toBeUndefined();
    expect(n.metadata?.labels?.extra).toBeUndefined();
  });

  it('evicts: 201 when the PDB allows, 429 when it does not, 500 with two PDBs', async () => {
    await core.createNamespacedPodEviction({ name: 'web-7c9f8d-aaaaa', namespace: 'shop', body: { metadata: { name: 'web-7c9f8d-aaaaa', namespace: 'shop' } } });
    const pdb = sim.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'shop', 'web')!;
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status?.disruptedPods ?? {})).toEqual(['web-7c9f8d-aaaaa']);
    const evicted = sim.store.get('Pod', 'shop', 'web-7c9f8d-aaaaa');
    expect(evicted?.metadata.deletionTimestamp).toBeDefined();
    expect(evicted?.metadata.deletionGracePeriodSeconds).toBe(1);

    const blocked = await core.createNamespacedPodEviction({ name: 'web-7c9f8d-bbbbb', namespace: 'shop', body: { metadata: { name: 'web-7c9f8d-bbbbb', namespace: 'shop' } } }).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(k8s.ApiException);
    expect((blocked as k8s.ApiException<string>).code).toBe(429);
    const status = JSON.parse((blocked as k8s.ApiException<string>).body);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(status.details.causes[0]).toMatchObject({ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 2 currently' });
    expect(sim.store.get('Pod', 'shop', 'web-7c9f8d-bbbbb')?.metadata.deletionTimestamp).toBeUndefined();

    await sim.kc.makeApiClient(k8s.PolicyV1Api).createNamespacedPodDisruptionBudget({
      namespace: 'shop',
      body: { metadata: { name: 'web-2' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } },
    });
    const two = await core.createNamespacedPodEviction({ name: 'web-7c9f8d-bbbbb', namespace: 'shop', body: { metadata: { name: 'web-7c9f8d-bbbbb', namespace: 'shop' } } }).catch((e: unknown) => e);
    expect((two as k8s.ApiException<string>).code).toBe(500);
    expect(JSON.parse((two as k8s.ApiException<string>).body).message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');

    const wrongName = await core.createNamespacedPodEviction({ name: 'web-7c9f8d-bbbbb', namespace: 'shop', body: { metadata: { name: 'other' } } }).catch((e: unknown) => e);
    expect((wrongName as k8s.ApiException<string>).code).toBe(400);
    const missing = await core.createNamespacedPodEviction({ name: 'gone', namespace: 'shop', body: { metadata: { name: 'gone' } } }).catch((e: unknown) => e);
    expect((missing as k8s.ApiException<string>).code).toBe(404);
  });

  it('watches with bookmarks: WatchList initial events, the end bookmark, then changes', async () => {
    const events: { type: string; name?: string; annotations?: Record<string, string> }[] = [];
    let doneErr: unknown = 'not yet';
    const ctl = await new k8s.Watch(sim.kc).watch(
      '/api/v1/nodes',
      { allowWatchBookmarks: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' },
      (type: string, obj: k8s.V1Node) => events.push({ type, name: obj.metadata?.name, annotations: obj.metadata?.annotations }),
      (err: unknown) => (doneErr = err),
    );
    try {
      await until(() => events.some((e) => e.type === 'BOOKMARK'));
      expect(events[0]).toMatchObject({ type: 'ADDED', name: 'node-1' });
      expect(events[1]).toMatchObject({ type: 'ADDED', name: 'node-2' });
      expect(events[2]).toMatchObject({ type: 'BOOKMARK', annotations: { 'k8s.io/initial-events-end': 'true' } });
      await core.patchNode({ name: 'node-1', body: { metadata: { labels: { watched: 'yes' } } } }, SMP);
      await until(() => events.length >= 4);
      expect(events[3]).toMatchObject({ type: 'MODIFIED', name: 'node-1' });
      expect(doneErr).toBe('not yet');
    } finally {
      ctl.abort();
    }
  });

  it('resumes a watch from a resourceVersion and answers 410 Gone for a too-old one', async () => {
    const from = (await core.listNode()).metadata!.resourceVersion!;
    await core.patchNode({ name: 'node-2', body: { metadata: { labels: { resumed: 'yes' } } } }, SMP);
    type WatchedObj = { metadata?: { name?: string }; code?: number; reason?: string };
    const events: { type: string; obj: WatchedObj }[] = [];
    const ctl = await new k8s.Watch(sim.kc).watch('/api/v1/nodes', { resourceVersion: from }, (type: string, obj: WatchedObj) => void events.push({ type, obj }), () => {});
    try {
      await until(() => events.length >= 1);
      expect(events[0]).toMatchObject({ type: 'MODIFIED', obj: { metadata: { name: 'node-2' } } });
    } finally {
      ctl.abort();
    }
    let ended = false;
    const gone: typeof events = [];
    await new k8s.Watch(sim.kc).watch('/api/v1/nodes', { resourceVersion: '5' }, (type: string, obj: WatchedObj) => void gone.push({ type, obj }), () => (ended = true));
    await until(() => ended);
    expect(gone).toEqual([{ type: 'ERROR', obj: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  it('creates and replaces a Lease with optimistic concurrency and MicroTime checks', async () => {
    const t = '2026-11-27T16:45:26.559000Z';
    const created = await coord.createNamespacedLease({
      namespace: 'kube-system',
      body: { metadata: { name: 'sdrain-apply' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: new k8s.V1MicroTime(t), renewTime: new k8s.V1MicroTime(t) } },
    });
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const dup = await coord.createNamespacedLease({ namespace: 'kube-system', body: { metadata: { name: 'sdrain-apply' }, spec: {} } }).catch((e: unknown) => e);
    expect((dup as k8s.ApiException<string>).code).toBe(409);
    expect(JSON.parse((dup as k8s.ApiException<string>).body).reason).toBe('AlreadyExists');

    const read = await coord.readNamespacedLease({ name: 'sdrain-apply', namespace: 'kube-system' });
    expect(String(read.spec?.renewTime)).toContain('2026-11-27T16:45:26.559');
    read.spec!.holderIdentity = 'b';
    const replaced = await coord.replaceNamespacedLease({ name: 'sdrain-apply', namespace: 'kube-system', body: read });
    expect(replaced.spec?.holderIdentity).toBe('b');
    const stale = await coord.replaceNamespacedLease({ name: 'sdrain-apply', namespace: 'kube-system', body: { ...read, spec: { ...read.spec, holderIdentity: 'c' } } }).catch((e: unknown) => e);
    expect((stale as k8s.ApiException<string>).code).toBe(409);
    expect(JSON.parse((stale as k8s.ApiException<string>).body).reason).toBe('Conflict');

    const millis = await coord.createNamespacedLease({
      namespace: 'kube-system',
      body: { metadata: { name: 'millis' }, spec: { renewTime: new Date('2026-11-27T16:45:26.559Z') as unknown as k8s.V1MicroTime } },
    }).catch((e: unknown) => e);
    expect((millis as k8s.ApiException<string>).code).toBe(400);
    expect(JSON.parse((millis as k8s.ApiException<string>).body).message).toContain('2006-01-02T15:04:05.000000Z07:00');
  });

  it('deletes a bound pod gracefully and an unbound pod at once', async () => {
    await core.createNamespacedPod({ namespace: 'shop', body: { metadata: { name: 'loose' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    await core.deleteNamespacedPod({ name: 'loose', namespace: 'shop' });
    expect(sim.store.get('Pod', 'shop', 'loose')).toBeUndefined();
    await core.deleteNamespacedPod({ name: 'web-7c9f8d-bbbbb', namespace: 'shop', gracePeriodSeconds: 30 });
    const p = sim.store.get('Pod', 'shop', 'web-7c9f8d-bbbbb');
    expect(p?.metadata.deletionGracePeriodSeconds).toBe(30);
    await core.deleteNamespacedPod({ name: 'web-7c9f8d-bbbbb', namespace: 'shop', gracePeriodSeconds: 0 });
    expect(sim.store.get('Pod', 'shop', 'web-7c9f8d-bbbbb')).toBeUndefined();
  });
});

describe('watch with a label selector', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('reports an object that stops matching as DELETED and one that starts matching as ADDED', async () => {
    const core = sim.kc.makeApiClient(k8s.CoreV1Api);
    const rv = (await core.listNode()).metadata!.resourceVersion!;
    const events: string[] = [];
    const ctl = await new k8s.Watch(sim.kc).watch('/api/v1/nodes', { labelSelector: 'pool=a', resourceVersion: rv }, (type: string, obj: k8s.V1Node) => void events.push(`${type} ${obj.metadata?.name}`), () => {});
    try {
      await core.patchNode({ name: 'node-1', body: { metadata: { labels: { pool: 'a' } } } }, SMP);
      await core.patchNode({ name: 'node-2', body: { metadata: { labels: { pool: 'b' } } } }, SMP);
      await core.patchNode({ name: 'node-1', body: { metadata: { labels: { pool: 'b' } } } }, SMP);
      await until(() => events.length >= 2);
      expect(events).toEqual(['ADDED node-1', 'DELETED node-1']);
    } finally {
      ctl.abort();
    }
  });
});
