import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestSim, type TestSim } from '../helpers/sim.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

describe('real kubectl against the simulator (no controllers)', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('get nodes prints status, roles and version columns', async () => {
    const r = await sim.kubectl(['get', 'nodes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines[1]).toMatch(/^node-1\s+Ready\s+worker\s+\S+\s+v1\.35\.0$/);
    expect(lines[2]).toMatch(/^node-2\s+Ready\s+control-plane\s+\S+\s+v1\.35\.0$/);
  });

  it('get pods -A -o wide shows namespaces, readiness, restarts, IP and node', async () => {
    const r = await sim.kubectl(['get', 'pods', '-A', '-o', 'wide']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(lines.find((l) => l.includes('agent-xxxxx'))).toMatch(/^kube-system\s+agent-xxxxx\s+1\/1\s+Running\s+3 \(\S+ ago\)\s+\S+\s+10\.0\.0\.1\s+node-1\s+<none>\s+<none>$/);
    expect(lines.find((l) => l.includes('web-7c9f8d-bbbbb'))).toMatch(/^shop\s+web-7c9f8d-bbbbb\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.2\.7\s+node-2\s/);
  });

  it('cordon shows Ready,SchedulingDisabled and uncordon reverts it', async () => {
    const c = await sim.kubectl(['cordon', 'node-1']);
    expect(c.stdout).toContain('node/node-1 cordoned');
    expect(sim.store.get('Node', undefined, 'node-1')?.spec).toMatchObject({ unschedulable: true });
    const g = await sim.kubectl(['get', 'nodes', 'node-1']);
    expect(g.stdout).toMatch(/node-1\s+Ready,SchedulingDisabled\s+worker/);
    const u = await sim.kubectl(['uncordon', 'node-1']);
    expect(u.stdout).toContain('node/node-1 uncordoned');
    expect((sim.store.get('Node', undefined, 'node-1')?.spec as { unschedulable?: boolean }).unschedulable).toBeUndefined();
    const again = await sim.kubectl(['uncordon', 'node-1']);
    expect(again.stdout).toContain('already uncordoned');
  });

  it('scale changes spec.replicas through the scale subresource', async () => {
    const r = await sim.kubectl(['scale', '-n', 'shop', 'deployment/web', '--replicas=3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps/web scaled');
    expect(sim.store.get('Deployment', 'shop', 'web')?.spec).toMatchObject({ replicas: 3 });
    expect(sim.store.get('Deployment', 'shop', 'web')?.metadata.generation).toBe(2);
  });

  it('get deploy -o yaml returns the object', async () => {
    const r = await sim.kubectl(['get', 'deploy', '-n', 'shop', '-o', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] };
    expect(list.items.map((i) => i.metadata.name)).toEqual(['web']);
  });

  it('api-resources lists short names and the pods/eviction subresource is discoverable', async () => {
    const r = await sim.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m);
    const raw = await sim.kubectl(['get', '--raw', '/api/v1']);
    expect(JSON.parse(raw.stdout).resources).toContainEqual(expect.objectContaining({ name: 'pods/eviction', group: 'policy', version: 'v1', kind: 'Eviction' }));
  });

  it('get pdb, ds, rs, ns print their columns', async () => {
    const pdb = await sim.kubectl(['get', 'pdb', '-n', 'shop']);
    expect(pdb.stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+1\s+N\/A\s+1\s+\S+\n$/);
    const ds = await sim.kubectl(['get', 'ds', '-A']);
    expect(ds.stdout).toMatch(/kube-system\s+agent\s+2\s+2\s+2\s+2\s+2\s+<none>/);
    const ns = await sim.kubectl(['get', 'ns']);
    expect(ns.stdout).toMatch(/^shop\s+Active\s+\S+$/m);
  });

  it('errors are Status bodies kubectl prints', async () => {
    const r = await sim.kubectl(['get', 'pod', '-n', 'shop', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): pods "nope" not found');
  });
});

describe('kubectl describe', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('describe node lists the pods on it and its conditions', async () => {
    const r = await sim.kubectl(['describe', 'node', 'node-1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+node-1$/m);
    expect(r.stdout).toMatch(/^Unschedulable:\s+false$/m);
    expect(r.stdout).toMatch(/shop\s+web-7c9f8d-aaaaa\s+100m \(2%\)/);
  });
});

describe('server-side dry run', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ file: FIXTURE, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('kubectl drain --dry-run=server changes nothing', async () => {
    const rv = sim.store.resourceVersion();
    const r = await sim.kubectl(['drain', 'node-1', '--ignore-daemonsets', '--dry-run=server', '--timeout=20s']);
    expect(r.stdout).toContain('node/node-1 cordoned (server dry run)');
    expect(r.stdout).toContain('evicting pod shop/web-7c9f8d-aaaaa (server dry run)');
    expect(r.stdout).toContain('node/node-1 drained (server dry run)');
    expect(r.code).toBe(0);
    expect(sim.store.resourceVersion()).toBe(rv);
    expect(sim.store.get('Node', undefined, 'node-1')?.spec).toEqual({});
  });
});
