/**
 * `sdrain sim --rbac --service-account-kubeconfig-out FILE` as a user runs it: the admin
 * kubeconfig may do anything, the ServiceAccount one is refused until `sdrain rbac` output is
 * applied with the admin one, then it may list nodes but still not delete them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { requireBuiltCli, REPO_ROOT, runCli } from '../helpers/cli.js';
import { startSimProcess, type SimProcess } from '../../bench/lib/sim-process.js';
import { runKubectl } from '../helpers/kubectl.js';

const sims: SimProcess[] = [];
beforeAll(requireBuiltCli);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it(
  'sdrain sim --rbac: the ServiceAccount kubeconfig is refused until the printed role is applied',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-sim-rbac-'));
    dirs.push(dir);
    const admin = join(dir, 'admin.kubeconfig');
    const sa = join(dir, 'sdrain.kubeconfig');
    const sim = await startSimProcess(['--from', join(REPO_ROOT, 'examples/cluster.yaml'), '--kubeconfig-out', admin, '--rbac', '--service-account-kubeconfig-out', sa], {
      env: { PATH: process.env.PATH, HOME: dir, CI: 'true' },
      timeoutMs: 60_000,
    });
    sims.push(sim);
    expect(sim.stdout()).toContain('RBAC enforced; ServiceAccount kube-system/sdrain kubeconfig');
    expect(readFileSync(sa, 'utf8')).toContain('token:');

    const kubectl = (kc: string, args: string[], input?: string) => runKubectl(args, { kubeconfig: kc, input, cacheDir: join(dir, 'kubectl-cache') });
    const refused = await kubectl(sa, ['get', 'nodes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'nodes is forbidden: User "system:serviceaccount:kube-system:sdrain" cannot list resource "nodes" in API group "" at the cluster scope',
    );

    const role = await runCli(['rbac'], { cwd: dir });
    expect(role.code, role.stderr).toBe(0);
    const applied = await kubectl(admin, ['apply', '--validate=false', '-f', '-'], role.stdout);
    expect(applied.code, applied.stderr).toBe(0);

    const nodes = await kubectl(sa, ['get', 'nodes', '-o', 'name']);
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(nodes.stdout).toContain('node/worker-1');
    const del = await kubectl(sa, ['delete', 'node', 'worker-1']);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain('nodes "worker-1" is forbidden');

    expect(await sim.stop()).toBe(0);
  },
  180_000,
);

it('sdrain rbac: scopes, subjects and bad options', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-rbac-cli-'));
  dirs.push(dir);
  const plan = await runCli(['rbac', '--for', 'plan', '--user', 'alice@example.com'], { cwd: dir });
  expect(plan.code, plan.stderr).toBe(0);
  expect(plan.stdout).toContain('name: sdrain-plan');
  expect(plan.stdout).toContain('kind: User');
  expect(plan.stdout).not.toContain('kind: Role\n');
  expect(plan.stdout).not.toMatch(/verbs: \[[^\]]*(create|update|patch|delete)/);
  const all = await runCli(['rbac', '--for', 'all', '--lock-namespace', 'maint', '--with-service-account', '--namespace', 'ops'], { cwd: dir });
  expect(all.code, all.stderr).toBe(0);
  expect(all.stdout).toMatch(/kind: Role\nmetadata:\n {2}name: sdrain-lock\n {2}namespace: maint/);
  expect(all.stdout).toContain('verbs: [get, update, delete]');
  expect(all.stdout).toMatch(/kind: ServiceAccount\nmetadata:\n {2}name: sdrain\n {2}namespace: ops/);
  const bad = await runCli(['rbac', '--name', 'Not_A_Name'], { cwd: dir });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('Cannot use --name "Not_A_Name"');
  const badScope = await runCli(['rbac', '--for', 'everything'], { cwd: dir });
  expect(badScope.code).not.toBe(0);
  expect(badScope.stderr).toContain('plan, apply, all');
}, 60_000);
