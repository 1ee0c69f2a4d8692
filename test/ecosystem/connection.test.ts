/**
 * How the CLI binary finds the cluster, end to end against the simulator over HTTPS:
 * --kubeconfig, --context (one context of two points at a dead port), the KUBECONFIG list
 * (merged like kubectl: missing files skipped, first definition wins) and the in-cluster
 * service account (token + ca.crt + KUBERNETES_SERVICE_HOST/PORT). The service-account files
 * are read from SDRAIN_SERVICEACCOUNT_DIR so the test does not write to /var/run.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runCli, cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';

let sim: TestSim | undefined;
let dir: string;
let deadUrl: string;
const SPEC = join(REPO_ROOT, 'examples/demo-maint.yaml');

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  'current-context': string;
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function write(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : stringify(config), { mode: 0o600 });
  return file;
}

/** Plans the demo spec live; the plan is applicable against examples/cluster.yaml. */
function planLive(extra: string[], env: Record<string, string | undefined> = {}, out = 'plan.json') {
  return runCli(['plan', '-f', SPEC, '--out', out, '-o', 'json', ...extra], { cwd: dir, env, timeoutMs: 90_000 });
}

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-connect-'));
  // The demo's cluster: examples/cluster.yaml without the pinned workload, so the plan is applicable.
  const file = join(REPO_ROOT, 'examples/cluster.yaml');
  sim = await startTestSim({ objects: demoCluster(readFileSync(file, 'utf8'), file).objects, controllers: false });
  deadUrl = `https://127.0.0.1:${await deadPort()}`;
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function simConfig(): Kubeconfig {
  return parse(sim!.sim.kubeconfig) as Kubeconfig;
}

/** Two contexts: `dead` (current) points at a closed port, `sim` at the simulator. */
function twoContexts(): Kubeconfig {
  const k = simConfig();
  const simCluster = k.clusters[0]!;
  return {
    ...k,
    clusters: [
      { name: 'dead', cluster: { ...simCluster.cluster, server: deadUrl } },
      { name: 'sim', cluster: simCluster.cluster },
    ],
    users: [{ name: 'u', user: k.users[0]!.user }],
    contexts: [
      { name: 'dead', context: { cluster: 'dead', user: 'u' } },
      { name: 'sim', context: { cluster: 'sim', user: 'u' } },
    ],
    'current-context': 'dead',
  };
}

describe('connection flags of the CLI', () => {
  it('--kubeconfig FILE (relative to the working directory)', async () => {
    write('single.yaml', sim!.sim.kubeconfig);
    const r = await planLive(['--kubeconfig', 'single.yaml']);
    expect(r.stderr).toContain(`Reading cluster ${sim!.url} (context sdrain-sim)`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cluster.server).toBe(sim!.url);
  });

  it('--context picks a context; the current one pointing at a dead port fails with a hint', async () => {
    const file = write('two.yaml', twoContexts());
    // In parallel: the dead context is retried for a while before sdrain gives up.
    const [dead, ok, unknown] = await Promise.all([
      planLive(['--kubeconfig', file], {}, 'dead.json'),
      planLive(['--kubeconfig', file, '--context', 'sim'], {}, 'ok.json'),
      planLive(['--kubeconfig', file, '--context', 'nope'], {}, 'nope.json'),
    ]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain(`Reading cluster ${deadUrl} (context dead)`);
    expect(dead.stderr).toMatch(/cannot reach the API server \(connection refused\)/);
    expect(dead.stderr).toMatch(/^hint: /m);
    expect(dead.stderr).not.toMatch(/\n\s+at /); // no stack trace

    expect(ok.stderr).toContain(`Reading cluster ${sim!.url} (context sim)`);
    expect(ok.code).toBe(0);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Cannot use context "nope": it is not in the kubeconfig');
    expect(unknown.stderr).toContain('Known contexts: dead, sim');
  });

  it('KUBECONFIG: a list is merged like kubectl (missing files skipped, first definition wins)', async () => {
    const k = twoContexts();
    // First file: only the current context and a context "sim" naming cluster/user defined later.
    const first = write('first.yaml', { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [k.contexts[1]], 'current-context': 'sim' });
    // Second file: the clusters and user, its own "sim" context pointing at the dead cluster
    // (ignored: the first file defined "sim"), and a current-context that loses to the first.
    const second = write('second.yaml', { ...k, contexts: [{ name: 'sim', context: { cluster: 'dead', user: 'u' } }, k.contexts[0]], 'current-context': 'dead' });
    const list = [join(dir, 'missing.yaml'), first, second].join(':');
    const r = await planLive([], { KUBECONFIG: list });
    expect(r.stderr).toContain(`Reading cluster ${sim!.url} (context sim)`);
    expect(r.code).toBe(0);

    const none = await planLive([], { KUBECONFIG: join(dir, 'missing.yaml') });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('none of the KUBECONFIG files exist');
  });

  it('in-cluster: service-account token and ca.crt, KUBERNETES_SERVICE_HOST/PORT', async () => {
    /** A service-account directory as the kubelet mounts it (the token has no trailing newline). */
    const saDir = (name: string, token: string) => {
      const sa = join(dir, name);
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), token);
      writeFileSync(join(sa, 'ca.crt'), sim!.sim.caPem);
      writeFileSync(join(sa, 'namespace'), 'kube-system');
      return sa;
    };
    const url = new URL(sim!.url);
    const home = join(dir, 'home-without-kube-config');
    mkdirSync(home, { recursive: true });
    const env = { HOME: home, KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port };
    const [r, denied, nothing] = await Promise.all([
      planLive([], { ...env, SDRAIN_SERVICEACCOUNT_DIR: saDir('sa-good', sim!.sim.token) }, 'in-cluster.json'),
      planLive([], { ...env, SDRAIN_SERVICEACCOUNT_DIR: saDir('sa-bad', 'not-the-token') }, 'denied.json'),
      // Without the service account and any kubeconfig there is nothing to use.
      planLive([], { HOME: home }, 'nothing.json'),
    ]);
    expect(r.stderr).toContain(`Reading cluster ${sim!.url} (context in-cluster)`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cluster.server).toBe(sim!.url);

    // A wrong token is rejected by the server: the error says so, without the token.
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 401|Unauthorized/i);
    expect(denied.stderr).toMatch(/^hint: /m);
    expect(denied.stderr).not.toContain(sim!.sim.token);

    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('Cannot find a Kubernetes configuration');
    expect(nothing.stderr).toContain('hint: Pass --kubeconfig FILE');
  });
});
