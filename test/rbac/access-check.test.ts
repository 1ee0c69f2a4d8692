/**
 * apply's up-front access check (src/cluster/access-review.ts) against the simulator with RBAC
 * enforced, through the real client over HTTPS, counting the requests the server received:
 * one SelfSubjectRulesReview when the role is complete; a removed rule is still named exactly
 * (confirmed by one SelfSubjectAccessReview); a lock Role bound in a workload namespace passes;
 * a cluster-wide permission granted only in some namespace is refused. Then, against a stub API
 * server that lacks the rules API or answers `incomplete`, the SelfSubjectAccessReview fallback.
 * Also `kubectl auth can-i --list` (real kubectl, protobuf body) reads the same rules, and a
 * watch the cluster forbids after the check passed fails apply at once (watch-cache.ts) instead
 * of being re-listed every 500 ms until a wait times out.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPermissions, requireAccess } from '../../src/cluster/access-review.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';
import { SdrainError } from '../../src/errors.js';
import type { KubeObject } from '../../src/model/k8s.js';
import { rbacObjects } from '../../src/rbac/manifest.js';
import { describePermission, permissionsFor, type Permission } from '../../src/rbac/rules.js';
import { requireBuiltCli, REPO_ROOT, runCli } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;

beforeAll(async () => {
  const file = join(REPO_ROOT, 'examples/cluster.yaml');
  const { objects } = demoCluster(readFileSync(file, 'utf8'), file);
  sim = await startTestSim({ objects, rbac: true });
}, 60_000);

afterAll(async () => {
  await sim?.stop();
});

type Obj = Record<string, unknown> & { kind: string; rules?: { resources: string[]; verbs: string[] }[] };

/** Creates the `sdrain rbac` objects for ServiceAccount kube-system/<name> (after `edit`) and returns a client for it. */
function grant(name: string, opts: { lockNamespace?: string; edit?: (objects: Obj[]) => void } = {}): KubeConfig {
  const objects = rbacObjects({ scope: 'apply', name, subject: { kind: 'ServiceAccount', name, namespace: 'kube-system' }, lockNamespace: opts.lockNamespace }) as Obj[];
  opts.edit?.(objects);
  for (const o of objects) sim.store.create(o as unknown as KubeObject);
  const kc = new KubeConfig();
  kc.loadFromString(sim.sim.credentials({ serviceAccount: `kube-system/${name}` }).kubeconfig);
  return kc;
}

/** Runs `fn` and returns its result with the number of requests the simulator received meanwhile. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number; creates: number }> {
  const before = sim.sim.requestCount();
  const value = await fn();
  const after = sim.sim.requestCount();
  return { value, requests: after.total - before.total, creates: (after.byVerb.create ?? 0) - (before.byVerb.create ?? 0) };
}

async function refusal(kc: KubeConfig, lockNamespace = 'kube-system'): Promise<SdrainError> {
  try {
    await requireAccess(kc, 'apply', { lockNamespace, file: 'plan.json' });
  } catch (e) {
    if (e instanceof SdrainError) return e;
    throw e;
  }
  throw new Error('requireAccess did not refuse');
}

describe('apply access check against the simulator (RBAC on)', () => {
  it('the full role: one SelfSubjectRulesReview, nothing missing (the SSAR-only check sent one per permission)', async () => {
    const kc = grant('full');
    const perms = permissionsFor('apply', 'kube-system');
    expect(perms).toHaveLength(32);
    const r = await counted(() => requireAccess(kc, 'apply', { lockNamespace: 'kube-system', file: 'plan.json' }));
    expect(r.requests).toBe(1);
    expect(r.creates).toBe(1);
  });

  it('with the eviction rule removed, the refusal names exactly that permission (1 rules review + 1 confirming SSAR)', async () => {
    const kc = grant('noevict', {
      edit: (objects) => {
        const role = objects.find((o) => o.kind === 'ClusterRole')!;
        role.rules = role.rules!.filter((r) => !r.resources.includes('pods/eviction'));
      },
    });
    const r = await counted(() => refusal(kc));
    expect(r.requests).toBe(2);
    expect(r.value.code).toBe('PLAN_REFUSED');
    expect(r.value.message).toBe('Refusing to apply plan.json: the cluster denies 1 permission sdrain needs:\n  - create pods/eviction (API group "")');
    expect(r.value.hint).toContain('Nothing was changed.');
  });

  it('with the lock Role bound in a workload namespace (--lock-namespace shop): one request, passes', async () => {
    const kc = grant('shoplock', { lockNamespace: 'shop' });
    const r = await counted(() => requireAccess(kc, 'apply', { lockNamespace: 'shop', file: 'plan.json' }));
    expect(r.requests).toBe(1);
    // The same identity is missing the lock in kube-system: exactly the three lease permissions.
    const wrong = await counted(() => refusal(kc, 'kube-system'));
    expect(wrong.requests).toBe(1 + 3);
    expect(wrong.value.message).toContain('the cluster denies 3 permissions sdrain needs:');
    expect(wrong.value.message).toContain('- create leases in namespace "kube-system" (API group "coordination.k8s.io")');
    expect(wrong.value.message).toContain('- update leases "sdrain-apply" in namespace "kube-system" (API group "coordination.k8s.io")');
  });

  it('a cluster-wide permission granted only through a RoleBinding in a workload namespace is still refused', async () => {
    const kc = grant('nsonly', {
      edit: (objects) => {
        const role = objects.find((o) => o.kind === 'ClusterRole')!;
        role.rules = role.rules!.map((r) => ({ ...r, verbs: r.resources.includes('pods') ? r.verbs.filter((v) => v !== 'delete') : r.verbs }));
        objects.push({
          kind: 'RoleBinding',
          apiVersion: 'rbac.authorization.k8s.io/v1',
          metadata: { name: 'nsonly-delete', namespace: 'shop' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'nsonly-delete' },
          subjects: [{ kind: 'ServiceAccount', name: 'nsonly', namespace: 'kube-system' }],
        });
        objects.push({ kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'nsonly-delete' }, rules: [{ resources: ['pods'], verbs: ['delete'], apiGroups: [''] } as never] });
      },
    });
    const r = await counted(() => refusal(kc));
    expect(r.requests).toBe(2);
    expect(r.value.message).toContain('the cluster denies 1 permission sdrain needs:\n  - delete pods (API group "")');
    // The binding does work where it is: the lock-namespace rules review never sees it.
    const inShop = await missingPermissions(kc, [{ verb: 'delete', group: '', resource: 'pods', namespace: 'shop' }], { namespace: 'kube-system' });
    expect(inShop).toEqual([]);
  });

  it('kubectl auth can-i --list shows the rules of the role (SelfSubjectRulesReview from real kubectl)', async () => {
    const creds = sim.sim.credentials({ serviceAccount: 'kube-system/full' });
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-canilist-'));
    try {
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, creds.kubeconfig, { mode: 0o600 });
      const out = await sim.kubectl(['--kubeconfig', path, 'auth', 'can-i', '--list', '-n', 'kube-system']);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/m);
      expect(out.stdout).toMatch(/^pods\/eviction\s+\[\]\s+\[\]\s+\[create\]/m);
      expect(out.stdout).toMatch(/^leases\.coordination\.k8s\.io\s+\[\]\s+\[sdrain-apply\]\s+\[get update\]/m);
      expect(out.stdout).not.toMatch(/^\*\.\*/m);
      const admin = await sim.kubectl(['auth', 'can-i', '--list', '-n', 'kube-system']);
      expect(admin.code, admin.stderr).toBe(0);
      expect(admin.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a watch the cluster forbids after the check passed', () => {
  beforeAll(requireBuiltCli);
  it(
    'apply fails at once with the forbidden hint instead of re-listing forever',
    async () => {
      // `watch pods` only through a RoleBinding in the lock namespace: the rules review lists it
      // (it cannot tell where a rule is bound), so the check passes; the cluster-wide watch is 403.
      const kc = grant('nowatch', {
        edit: (objects) => {
          const role = objects.find((o) => o.kind === 'ClusterRole')!;
          role.rules = role.rules!.map((r) => ({ ...r, verbs: r.resources.includes('pods') ? r.verbs.filter((v) => v !== 'watch') : r.verbs }));
          const lockRole = objects.find((o) => o.kind === 'Role')!;
          lockRole.rules = [...lockRole.rules!, { apiGroups: [''], resources: ['pods'], verbs: ['watch'] } as never];
        },
      });
      const pre = await counted(() => requireAccess(kc, 'apply', { lockNamespace: 'kube-system', file: 'plan.json' }));
      expect(pre.requests).toBe(1);

      const dir = mkdtempSync(join(tmpdir(), 'sdrain-nowatch-'));
      try {
        writeFileSync(join(dir, 'maint.yaml'), readFileSync(join(REPO_ROOT, 'examples/demo-maint.yaml'), 'utf8'));
        const plan = await runCli(['plan', '-f', 'maint.yaml', '--kubeconfig', sim.kubeconfigPath, '--out', 'plan.json', '-o', 'json'], { cwd: dir, timeoutMs: 120_000 });
        expect(plan.code, plan.stderr).toBe(0);
        const kcPath = join(dir, 'nowatch.kubeconfig');
        writeFileSync(kcPath, sim.sim.credentials({ serviceAccount: 'kube-system/nowatch' }).kubeconfig, { mode: 0o600 });
        const before = sim.sim.requestCount();
        const apply = await runCli(['apply', 'plan.json', '--kubeconfig', kcPath], { cwd: dir, timeoutMs: 120_000 });
        const after = sim.sim.requestCount();
        expect(apply.code, apply.stderr).not.toBe(0);
        expect(apply.stderr).toContain('sdrain needs permission to watch pods (API group "")');
        expect(apply.stderr).toContain('sdrain rbac --for apply');
        expect(apply.stderr).not.toMatch(/\n\s+at /);
        // Refused watches are counted as `other`: a handful, not a retry every 500 ms until a timeout.
        expect((after.byVerb.other ?? 0) - (before.byVerb.other ?? 0)).toBeLessThanOrEqual(3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

/** A stub API server for the fallback paths: `rules` answers the rules review, `denied` the access reviews (undefined: 404). */
async function stubServer(rules: { resourceRules: unknown[]; incomplete: boolean } | undefined, denied: ((a: Record<string, string>) => boolean) | undefined) {
  const seen: string[] = [];
  const body = (req: IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => resolve(JSON.parse(text || '{}') as Record<string, unknown>));
    });
  const server: Server = createServer((req, res) => {
    void body(req).then((b) => {
      seen.push(req.url ?? '');
      const send = (code: number, o: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(o));
      };
      if (req.url?.endsWith('/selfsubjectrulesreviews')) {
        if (!rules) return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
        return send(201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: b.spec, status: { ...rules, nonResourceRules: [] } });
      }
      if (req.url?.endsWith('/selfsubjectaccessreviews') && denied) {
        const a = (b.spec as { resourceAttributes: Record<string, string> }).resourceAttributes;
        return send(201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: b.spec, status: { allowed: !denied(a) } });
      }
      send(404, { kind: 'Status', code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stub', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'stub', cluster: 'stub', user: 'u' }],
    currentContext: 'stub',
  });
  return { kc, seen, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('apply access check fallbacks (stub API server)', () => {
  const perms = permissionsFor('apply', 'kube-system');
  const isEviction = (a: Record<string, string>) => a.resource === 'pods' && a.subresource === 'eviction';

  it('no rules API (404): one SelfSubjectAccessReview per permission, the denied one named', async () => {
    const stub = await stubServer(undefined, isEviction);
    try {
      const missing = await missingPermissions(stub.kc, perms, { namespace: 'kube-system' });
      expect(missing?.map(describePermission)).toEqual(['create pods/eviction (API group "")']);
      expect(stub.seen.filter((u) => u.endsWith('/selfsubjectrulesreviews'))).toHaveLength(1);
      expect(stub.seen.filter((u) => u.endsWith('/selfsubjectaccessreviews'))).toHaveLength(perms.length);
    } finally {
      await stub.stop();
    }
  });

  it('incomplete rules: listed rules count, only the rest are asked one by one', async () => {
    const resourceRules = [{ verbs: ['list', 'get', 'watch'], apiGroups: ['*'], resources: ['*'] }];
    const stub = await stubServer({ resourceRules, incomplete: true }, isEviction);
    try {
      const missing = await missingPermissions(stub.kc, perms, { namespace: 'kube-system' });
      expect(missing?.map(describePermission)).toEqual(['create pods/eviction (API group "")']);
      const notRead = perms.filter((p: Permission) => !['list', 'get', 'watch'].includes(p.verb));
      expect(stub.seen.filter((u) => u.endsWith('/selfsubjectaccessreviews'))).toHaveLength(notRead.length);
    } finally {
      await stub.stop();
    }
  });

  it('neither review API: cannot tell (undefined), and apply is not refused', async () => {
    const stub = await stubServer(undefined, undefined);
    try {
      expect(await missingPermissions(stub.kc, perms, { namespace: 'kube-system' })).toBeUndefined();
      await requireAccess(stub.kc, 'apply', { lockNamespace: 'kube-system', file: 'plan.json' });
    } finally {
      await stub.stop();
    }
  });
});
