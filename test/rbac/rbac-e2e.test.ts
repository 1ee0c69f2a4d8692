/**
 * `sdrain rbac` proven against the simulator with RBAC enforced (startSimulator({ rbac: true })):
 * the printed objects are created by real kubectl; a ServiceAccount token from `kubectl create
 * token` bound to exactly that role plans and applies the demo drain; a plan-only role plans but
 * apply refuses up front; a role missing one rule makes apply refuse naming that permission and
 * change nothing; an unbound user's plan fails naming the permission; `kubectl auth can-i`
 * answers from the same rules; kubectl shows the real Forbidden message; uncordon works with the role.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, Lease, Node, Pod } from '../../src/model/k8s.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';
import { buildKubeconfig } from '../../src/sim/kubeconfig.js';
import { cliIsBuilt, REPO_ROOT, runCli } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';

const TIMEOUT = 240_000;

let sim: TestSim;
let dir: string;

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('build first: npx tsc -p tsconfig.build.json');
  const file = join(REPO_ROOT, 'examples/cluster.yaml');
  const { objects } = demoCluster(readFileSync(file, 'utf8'), file);
  sim = await startTestSim({ objects, rbac: true, podStartupMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'sdrain-rbac-'));
  writeFileSync(join(dir, 'maint.yaml'), readFileSync(join(REPO_ROOT, 'examples/demo-maint.yaml'), 'utf8'));
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sdrain(args: string[], timeoutMs = 120_000) {
  return runCli(args, { cwd: dir, timeoutMs });
}

/** Writes a kubeconfig for `token` into the test dir. */
function kubeconfigWith(name: string, token: string): string {
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(path, buildKubeconfig({ url: sim.url, caPem: sim.sim.caPem, token }), { mode: 0o600 });
  return path;
}

/** kubectl apply -f - of `sdrain rbac ...` output, as the admin. */
async function grant(args: string[], edit?: (objects: Record<string, unknown>[]) => void): Promise<void> {
  const out = await sdrain(['rbac', ...args, '-o', 'json']);
  expect(out.code, out.stderr).toBe(0);
  const list = JSON.parse(out.stdout) as { items: Record<string, unknown>[] };
  edit?.(list.items);
  const applied = await sim.kubectl(['apply', '--validate=false', '-f', '-'], { input: JSON.stringify(list) });
  expect(applied.code, applied.stderr).toBe(0);
}

const node = (name: string) => sim.store.get<Node>('Node', undefined, name);

describe('sdrain rbac with the simulator enforcing RBAC', () => {
  let sdrainKubeconfig: string;

  it(
    'prints valid YAML that kubectl applies; a token from `kubectl create token` gets exactly that role',
    async () => {
      const out = await sdrain(['rbac', '--for', 'apply', '--with-service-account']);
      expect(out.code, out.stderr).toBe(0);
      const docs = parseAllDocuments(out.stdout);
      for (const d of docs) expect(d.errors).toEqual([]);
      const objects = docs.map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
      expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
      // Every rule is explained.
      expect(out.stdout.match(/^ {2}# /gm)?.length).toBe(
        (objects[1] as unknown as { rules: unknown[] }).rules.length + (objects[3] as unknown as { rules: unknown[] }).rules.length,
      );

      const applied = await sim.kubectl(['apply', '--validate=false', '-f', '-'], { input: out.stdout });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('clusterrole.rbac.authorization.k8s.io/sdrain created');
      expect(applied.stdout).toContain('rolebinding.rbac.authorization.k8s.io/sdrain-lock created');

      const token = await sim.kubectl(['create', 'token', 'sdrain', '-n', 'kube-system']);
      expect(token.code, token.stderr).toBe(0);
      sdrainKubeconfig = kubeconfigWith('sdrain', token.stdout.trim());

      const can = await sim.kubectl(['--kubeconfig', sdrainKubeconfig, 'auth', 'can-i', 'create', 'pods', '--subresource=eviction', '-n', 'shop']);
      expect(can.stdout.trim()).toBe('yes');
      const cannot = await sim.kubectl(['--kubeconfig', sdrainKubeconfig, 'auth', 'can-i', 'delete', 'nodes']);
      expect(cannot.stdout.trim()).toBe('no');
      expect(cannot.code).toBe(1);
      const lease = await sim.kubectl(['--kubeconfig', sdrainKubeconfig, 'auth', 'can-i', 'update', 'leases/sdrain-apply', '-n', 'kube-system']);
      expect(lease.stdout.trim()).toBe('yes');
      const otherLease = await sim.kubectl(['--kubeconfig', sdrainKubeconfig, 'auth', 'can-i', 'update', 'leases/other', '-n', 'kube-system']);
      expect(otherLease.stdout.trim()).toBe('no');
    },
    TIMEOUT,
  );

  it(
    'a plan-only role plans; apply with it refuses before changing anything, listing what is missing',
    async () => {
      await grant(['--for', 'plan', '--service-account', 'planner']);
      const kc = kubeconfigWith('planner', sim.sim.credentials({ serviceAccount: 'kube-system/planner' }).token);
      const plan = await sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'plan.json', '-o', 'json']);
      expect(plan.code, plan.stderr).toBe(0);

      // The real Forbidden message, as kubectl shows it.
      const get = await sim.kubectl(['--kubeconfig', kc, 'get', 'leases', '-n', 'kube-system']);
      expect(get.code).not.toBe(0);
      expect(get.stderr).toContain(
        'Error from server (Forbidden): leases.coordination.k8s.io is forbidden: User "system:serviceaccount:kube-system:planner" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"',
      );

      const apply = await sdrain(['apply', 'plan.json', '--kubeconfig', kc]);
      expect(apply.code, apply.stderr).toBe(3);
      expect(apply.stderr).toMatch(/the cluster denies \d+ permissions sdrain needs/);
      expect(apply.stderr).toContain('- patch nodes (API group "")');
      expect(apply.stderr).toContain('- create pods/eviction (API group "")');
      expect(apply.stderr).toContain('- create leases in namespace "kube-system" (API group "coordination.k8s.io")');
      expect(apply.stderr).toContain('sdrain rbac --for apply');
      expect(node('worker-1')?.spec?.unschedulable).toBeUndefined();
      expect(sim.store.get<Lease>('Lease', 'kube-system', 'sdrain-apply')).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    'with the eviction rule removed, apply refuses naming exactly that permission and changes nothing',
    async () => {
      await grant(['--for', 'apply', '--name', 'sdrain-noevict', '--service-account', 'noevict'], (items) => {
        const role = items.find((o) => o.kind === 'ClusterRole') as { rules: { resources: string[] }[] };
        const before = role.rules.length;
        role.rules = role.rules.filter((r) => !r.resources.includes('pods/eviction'));
        expect(role.rules).toHaveLength(before - 1);
      });
      const kc = kubeconfigWith('noevict', sim.sim.credentials({ serviceAccount: 'kube-system/noevict' }).token);
      const plan = await sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'plan.json', '-o', 'json']);
      expect(plan.code, plan.stderr).toBe(0);
      const apply = await sdrain(['apply', 'plan.json', '--kubeconfig', kc]);
      expect(apply.code, apply.stderr).toBe(3);
      expect(apply.stderr).toContain('the cluster denies 1 permission sdrain needs:\n  - create pods/eviction (API group "")');
      expect(apply.stderr).toContain('Nothing was changed');
      expect(node('worker-1')?.spec?.unschedulable).toBeUndefined();
      expect(sim.store.get<Lease>('Lease', 'kube-system', 'sdrain-apply')).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    'a user with no role cannot plan: the error names the permission and points at `sdrain rbac`',
    async () => {
      const kc = kubeconfigWith('nobody', sim.sim.credentials({ user: 'nobody' }).token);
      const plan = await sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'nobody-plan.json']);
      expect(plan.code, plan.stderr).toBe(1);
      expect(plan.stderr).toMatch(/is forbidden: User "nobody" cannot list resource "[a-z]+" in API group "[a-z.]*" at the cluster scope/);
      expect(plan.stderr).toMatch(/hint: The cluster refused: sdrain needs permission to list [a-z]+ \(API group "[a-z.]*"\); run `sdrain rbac --for plan`/);
      expect(plan.stderr).not.toMatch(/\n\s+at /); // no stack trace
    },
    TIMEOUT,
  );

  it(
    'with exactly the printed role, plan and apply drain the node',
    async () => {
      const plan = await sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', sdrainKubeconfig, '--out', 'plan.json', '-o', 'json']);
      expect(plan.code, plan.stderr).toBe(0);
      const apply = await sdrain(['apply', 'plan.json', '--kubeconfig', sdrainKubeconfig], 180_000);
      expect(apply.code, apply.stderr).toBe(0);
      expect(node('worker-1')?.spec?.unschedulable).toBe(true);
      const left = sim.store
        .list<Pod>('Pod')
        .filter((p) => p.spec?.nodeName === 'worker-1' && !(p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet'));
      expect(left.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
      // The role lets apply record its Kubernetes Events (events.k8s.io, reporting controller sdrain).
      expect(apply.stderr).not.toContain('Cannot record Kubernetes Events');
      const events = sim.store.list<KubeObject & Record<string, unknown>>('Event').filter((e) => e.reportingController === 'sdrain');
      expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['SdrainCordon', 'SdrainDrained', 'SdrainSurgeStarted', 'SdrainRollDone']));

      // The same role gives the node back.
      const uncordon = await sdrain(['uncordon', 'plan.json', '--kubeconfig', sdrainKubeconfig]);
      expect(uncordon.code, uncordon.stderr).toBe(0);
      expect(node('worker-1')?.spec?.unschedulable).not.toBe(true);
    },
    TIMEOUT,
  );

  it(
    'without the Events rule, apply still drains the node and warns once',
    async () => {
      await grant(['--for', 'apply', '--name', 'sdrain-noevents', '--service-account', 'noevents'], (items) => {
        const role = items.find((o) => o.kind === 'ClusterRole') as { rules: { apiGroups: string[] }[] };
        const before = role.rules.length;
        role.rules = role.rules.filter((r) => !r.apiGroups.includes('events.k8s.io'));
        expect(role.rules).toHaveLength(before - 1);
      });
      const kc = kubeconfigWith('noevents', sim.sim.credentials({ serviceAccount: 'kube-system/noevents' }).token);
      const plan = await sdrain(['plan', '-f', 'maint.yaml', '--kubeconfig', kc, '--out', 'plan-noevents.json', '-o', 'json']);
      expect(plan.code, plan.stderr).toBe(0);
      const apply = await sdrain(['apply', 'plan-noevents.json', '--kubeconfig', kc], 180_000);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stderr.match(/warning: Cannot record Kubernetes Events \(apply carries on without them\): forbidden/g)).toHaveLength(1);
      expect(node('worker-1')?.spec?.unschedulable).toBe(true);
    },
    TIMEOUT,
  );
});
