/**
 * The kubectl verbs a maintainer types, with the real kubectl 1.35 against a started simulator:
 * the typed `create` commands and `debug node/…` (protobuf bodies), `apply` with validation on
 * (served /openapi/v3 and server-side field validation), `explain`, `apply --dry-run=server`,
 * and the controllers' Events in `kubectl get events`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/k8s.js';
import { makeNode } from '../../src/placement/testing/builders.js';
import { startTestSim, untilStore, type TestSim } from '../helpers/sim.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx:1.27
`;

const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ objects: [makeNode('node-1'), makeNode('node-2'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }], podStartupMs: 200 });
});
afterAll(async () => {
  await sim?.stop();
});

describe('kubectl verbs against the simulator', () => {
  it('create namespace, deployment, configmap, serviceaccount and secret (protobuf bodies) work, and the deployment gets its pods', async () => {
    for (const [args, out] of [
      [['create', 'namespace', 'shop'], 'namespace/shop created'],
      [['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '-n', 'shop'], 'deployment.apps/web created'],
      [['create', 'configmap', 'settings', '--from-literal=a=b', '-n', 'shop'], 'configmap/settings created'],
      [['create', 'serviceaccount', 'robot', '-n', 'shop'], 'serviceaccount/robot created'],
      [['create', 'secret', 'generic', 'token', '--from-literal=k=v', '-n', 'shop'], 'secret/token created'],
    ] as const) {
      const r = await sim.kubectl([...args]);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.stdout.trim()).toBe(out);
    }
    expect(sim.store.get('ConfigMap', 'shop', 'settings')).toMatchObject({ data: { a: 'b' } });
    expect(sim.store.get('Secret', 'shop', 'token')).toMatchObject({ data: { k: Buffer.from('v').toString('base64') } });
    expect(sim.store.get('Deployment', 'shop', 'web')?.spec).toMatchObject({ replicas: 2, strategy: { type: 'RollingUpdate' }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } });
    const webPods = () => sim.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => p.metadata.name.startsWith('web-'));
    await untilStore(sim, () => webPods().length === 2 && webPods().every(ready), 15_000, "the deployment's two pods Ready");
  });

  it('debug node/NAME creates the pod on that node and then says plainly that no container runs', async () => {
    const r = await sim.kubectl(['debug', 'node/node-1', '-it', '--image=busybox', '--profile=general'], { timeoutMs: 30_000 });
    expect(r.stdout).toMatch(/Creating debugging pod node-debugger-node-1-\w+ with container debugger on node node-1\./);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('runs in the sdrain simulator, which runs no containers');
    const pod = sim.store.list<Pod>('Pod', { namespace: 'default' }).find((p) => p.metadata.name.startsWith('node-debugger-node-1-'));
    expect(pod?.spec).toMatchObject({ nodeName: 'node-1', hostNetwork: true, hostPID: true, containers: [{ name: 'debugger', image: 'busybox', stdin: true, tty: true }] });
  });

  it('apply -f validates without --validate=false: an unknown field is refused with the API server error, or warned about with --validate=warn', async () => {
    const ok = await sim.kubectl(['apply', '-f', '-'], { input: DEPLOYMENT });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('deployment.apps/api created');
    const bad = DEPLOYMENT.replace('replicas: 2', 'replicass: 3').replace('image: nginx:1.27', 'image: nginx:1.27\n        imagePolicy: Always');
    const strict = await sim.kubectl(['apply', '-f', '-'], { input: bad });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:');
    expect(strict.stderr).toContain('unknown field "spec.replicass"');
    expect(strict.stderr).toContain('unknown field "spec.template.spec.containers[0].imagePolicy"');
    expect(sim.store.get('Deployment', 'shop', 'api')?.spec).toMatchObject({ replicas: 2 });
    const warn = await sim.kubectl(['apply', '--validate=warn', '-f', '-'], { input: bad.replace('name: api\n', 'name: api-warned\n') });
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('Warning: unknown field "spec.replicass"');
    expect(sim.store.get('Deployment', 'shop', 'api-warned')?.spec).not.toHaveProperty('replicass');
    // A `kind: List` (what `sdrain rbac -o json` prints): kubectl validates it client-side from
    // /openapi/v2, then the server validates each item.
    const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const cm = (name: string, extra = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { a: 'b' }, ...extra });
    const applied = await sim.kubectl(['apply', '-f', '-'], { input: list([cm('listed-1'), cm('listed-2')]) });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('configmap/listed-2 created');
    const refusedItem = await sim.kubectl(['apply', '-f', '-'], { input: list([cm('listed-3', { bogus: 1 })]) });
    expect(refusedItem.stderr).toContain('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"');
  });

  it('explain deployment.spec.strategy describes the field from the served OpenAPI document', async () => {
    const r = await sim.kubectl(['explain', 'deployment.spec.strategy']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('FIELD: strategy <DeploymentStrategy>');
    expect(r.stdout).toMatch(/^\s+rollingUpdate\s+<RollingUpdateDeployment>$/m);
    expect(r.stdout).toMatch(/^\s+type\s+<string>$/m);
  });

  it('apply --dry-run=server answers as if written and persists nothing', async () => {
    const created = await sim.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: DEPLOYMENT.replace('name: api\n', 'name: api-dry\n') });
    expect(created.stdout.trim()).toBe('deployment.apps/api-dry created (server dry run)');
    expect(sim.store.get('Deployment', 'shop', 'api-dry')).toBeUndefined();
    const changed = await sim.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: DEPLOYMENT.replace('replicas: 2', 'replicas: 5') });
    expect(changed.stdout.trim()).toBe('deployment.apps/api configured (server dry run)');
    expect(sim.store.get('Deployment', 'shop', 'api')?.spec).toMatchObject({ replicas: 2 });
    const refused = await sim.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: DEPLOYMENT.replace('replicas: 2', 'replicass: 2') });
    expect(refused.stderr).toContain('unknown field "spec.replicass"');
    // No spec write reached the store: the Deployment is still at its first generation.
    expect(sim.store.get('Deployment', 'shop', 'api')?.metadata.generation).toBe(1);
  });

  it('get events shows the scheduler, controllers and kubelet at work after a scale up and down', async () => {
    const webPods = () => sim.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => p.metadata.name.startsWith('web-'));
    expect((await sim.kubectl(['scale', 'deployment/web', '--replicas=4', '-n', 'shop'])).code).toBe(0);
    await untilStore(sim, () => webPods().length === 4 && webPods().every(ready), 15_000, '4 web pods Ready');
    expect((await sim.kubectl(['scale', 'deployment/web', '--replicas=1', '-n', 'shop'])).code).toBe(0);
    await untilStore(sim, () => webPods().length === 1, 15_000, 'the scaled-down web pods gone');
    const r = await sim.kubectl(['get', 'events', '-n', 'shop']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const has = (re: RegExp) => expect(lines.some((l) => re.test(l)), `${re} in\n${r.stdout}`).toBe(true);
    has(/Normal\s+Scheduled\s+pod\/web-\S+\s+Successfully assigned shop\/web-\S+ to node-[12]$/);
    has(/Normal\s+SuccessfulCreate\s+replicaset\/web-\S+\s+Created pod: web-\S+$/);
    has(/Normal\s+SuccessfulDelete\s+replicaset\/web-\S+\s+Deleted pod: web-\S+$/);
    has(/Normal\s+Killing\s+pod\/web-\S+\s+Stopping container nginx$/);
    has(/Normal\s+Started\s+pod\/web-\S+\s+Started container nginx$/);
    has(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\S+ from 2 to 4$/);
    has(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled down replica set web-\S+ from 4 to 1$/);
    // The same Events through events.k8s.io/v1, with the reporting controller filled in.
    const v1 = await sim.kubectl(['get', 'events.v1.events.k8s.io', '-n', 'shop', '-o', 'json']);
    const items = (JSON.parse(v1.stdout) as { items: { reason: string; reportingController: string; regarding: { kind: string } }[] }).items;
    expect(items.find((e) => e.reason === 'Scheduled')).toMatchObject({ reportingController: 'default-scheduler', regarding: { kind: 'Pod' } });
    expect(items.find((e) => e.reason === 'Killing')).toMatchObject({ reportingController: 'kubelet' });
  });
});
