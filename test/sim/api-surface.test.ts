import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { REAL_FIXTURES_DIR } from '../helpers/paths.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

interface Raw {
  status: number;
  contentType: string;
  body: string;
}

function raw(sim: TestSim, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, sim.url);
    const req = request(
      { hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, ca: sim.sim.caPem, headers: { authorization: `Bearer ${sim.sim.token}`, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('API surface details', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false, bookmarkIntervalMs: 200 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('serves aggregated discovery by Accept (v2 or v2beta1) and legacy otherwise, saying which in Content-Type', async () => {
    const v2 = await raw(sim, 'GET', '/apis', { accept: AGG });
    expect(v2.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = JSON.parse(v2.body).items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    expect(deploy).toMatchObject({ scope: 'Namespaced', shortNames: ['deploy'], categories: ['all'], responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' } });
    const beta = await raw(sim, 'GET', '/api', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    expect(beta.contentType).toContain('v=v2beta1');
    expect(JSON.parse(beta.body)).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2beta1', items: [{ metadata: { name: '' } }] });
    const legacy = await raw(sim, 'GET', '/apis', { accept: 'application/json, */*' });
    expect(legacy.contentType).toBe('application/json');
    expect(JSON.parse(legacy.body).kind).toBe('APIGroupList');
    const group = JSON.parse((await raw(sim, 'GET', '/apis/policy/v1')).body);
    expect(group.resources.map((r: { name: string }) => r.name)).toEqual(['poddisruptionbudgets', 'poddisruptionbudgets/status']);
    const version = JSON.parse((await raw(sim, 'GET', '/version')).body);
    expect(version).toMatchObject({ major: '1', minor: '35' });
  });

  it('answers protobuf Accept with JSON and tolerates a protobuf DELETE body', async () => {
    const pod = await raw(sim, 'GET', '/api/v1/namespaces/shop/pods/web-7c9f8d-aaaaa', { accept: 'application/vnd.kubernetes.protobuf,application/json' });
    expect(pod.status).toBe(200);
    expect(JSON.parse(pod.body).metadata.name).toBe('web-7c9f8d-aaaaa');
    const del = await raw(sim, 'DELETE', '/api/v1/namespaces/kube-system/pods/agent-xxxxx', { 'content-type': 'application/vnd.kubernetes.protobuf' }, Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f]));
    expect(del.body).toContain("agent-xxxxx");
    expect(del.status).toBe(200);
    expect(sim.store.get('Pod', 'kube-system', 'agent-xxxxx')?.metadata.deletionTimestamp).toBeDefined();
  });

  it('ends a watch after timeoutSeconds and sends progress bookmarks when allowed', async () => {
    const events: string[] = [];
    const started = Date.now();
    const done = new Promise<unknown>((resolve) => {
      void new k8s.Watch(sim.kc).watch('/api/v1/namespaces/shop/pods', { allowWatchBookmarks: true, timeoutSeconds: 1 }, (type: string) => void events.push(type), (err: unknown) => resolve(err));
    });
    expect(await done).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(events.filter((e) => e === 'ADDED')).toHaveLength(2);
    expect(events).toContain('BOOKMARK');
  });

  it('writes status through the status subresource only', async () => {
    const apps = sim.kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    d.status = { ...d.status, readyReplicas: 1 };
    d.spec!.replicas = 5;
    const st = await apps.replaceNamespacedDeploymentStatus({ name: 'web', namespace: 'shop', body: d });
    expect(st.status?.readyReplicas).toBe(1);
    expect(st.spec?.replicas).toBe(2);
    const patched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', body: { spec: { replicas: 4 }, status: { readyReplicas: 9 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);
    expect(patched.status?.readyReplicas).toBe(1);
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'shop' });
    expect(scale).toMatchObject({ spec: { replicas: 4 }, status: { selector: 'app=web' } });
  });

  it('orphans dependents on propagationPolicy=Orphan and deletes collections by label', async () => {
    const apps = sim.kc.makeApiClient(k8s.AppsV1Api);
    await apps.deleteNamespacedReplicaSet({ name: 'web-7c9f8d', namespace: 'shop', propagationPolicy: 'Orphan' });
    expect(sim.store.get('ReplicaSet', 'shop', 'web-7c9f8d')).toBeUndefined();
    expect(sim.store.get('Pod', 'shop', 'web-7c9f8d-bbbbb')?.metadata.ownerReferences).toBeUndefined();
    const core = sim.kc.makeApiClient(k8s.CoreV1Api);
    await core.deleteCollectionNamespacedPod({ namespace: 'shop', labelSelector: 'app=web', gracePeriodSeconds: 0 });
    expect(sim.store.list('Pod', { namespace: 'shop' })).toEqual([]);
  });

  it('rejects creating into a missing namespace, bad names and kind mismatches', async () => {
    const core = sim.kc.makeApiClient(k8s.CoreV1Api);
    const ns = await core.createNamespacedPod({ namespace: 'nope', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } }).catch((e: unknown) => e);
    expect((ns as k8s.ApiException<string>).code).toBe(404);
    const bad = await core.createNamespacedPod({ namespace: 'shop', body: { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }] } } }).catch((e: unknown) => e);
    expect((bad as k8s.ApiException<string>).code).toBe(422);
    const kind = await raw(sim, 'POST', '/api/v1/namespaces/shop/pods', { 'content-type': 'application/json' }, JSON.stringify({ kind: 'Node', apiVersion: 'v1', metadata: { name: 'x' } }));
    expect(kind.status).toBe(400);
    expect(JSON.parse(kind.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    const unknown = await raw(sim, 'GET', '/apis/example.com/v1/widgets');
    expect(unknown.status).toBe(404);
  });
});

describe('tables for storage and batch kinds', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: join(REAL_FIXTURES_DIR, 'troubleshoot-k3d-k3s124-supportbundle.json'), controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('kubectl get pvc, pv, jobs print their upstream columns', async () => {
    const pvc = await sim.kubectl(['get', 'pvc', '-A']);
    expect(pvc.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    expect(pvc.stdout).toMatch(/\sBound\s+pvc-\S+\s+\S+\s+RWO\s+local-path\s/);
    const pv = await sim.kubectl(['get', 'pv']);
    expect(pv.stdout.split('\n')[0]).toMatch(/^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/);
    const jobs = await sim.kubectl(['get', 'jobs', '-A']);
    expect(jobs.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(jobs.stdout).toMatch(/\sComplete\s+1\/1\s/);
    const all = await sim.kubectl(['get', 'all', '-A']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('deployment.apps/');
  });
});

describe('server-side apply (approximated)', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('creates a missing object from a YAML apply patch, then merges into it', async () => {
    const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: applied\n  labels:\n    a: "1"\n';
    const first = await raw(sim, 'PATCH', '/api/v1/namespaces/applied?fieldManager=test', { 'content-type': 'application/apply-patch+yaml' }, yaml);
    expect(first.status).toBe(201);
    const second = await raw(sim, 'PATCH', '/api/v1/namespaces/applied?fieldManager=test', { 'content-type': 'application/apply-patch+yaml' }, yaml.replace('a: "1"', 'b: "2"'));
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).metadata.labels).toEqual({ a: '1', b: '2' });
  });
});
