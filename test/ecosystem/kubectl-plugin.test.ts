/**
 * sdrain as a kubectl plugin, through the real kubectl v1.35's plugin mechanism: an executable
 * named `kubectl-sdrain` on PATH (here a symlink to bin/kubectl-sdrain.js, as `npm install -g`
 * creates) is found by `kubectl plugin list` and run by `kubectl sdrain …` with the remaining
 * arguments. The PATH holds only the plugin directory, node's directory and the system
 * directories, so the test also shows what the plugin needs: `node` on PATH.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runProcess } from '../../bench/lib/run-process.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';
import { readPlan } from '../../src/planfile/read-plan.js';

let dir: string;
let pluginDir: string;
let kubectl: string;
let sim: TestSim | undefined;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl with a PATH of the plugin dir, node's dir and the system dirs. */
async function runKubectlPlugin(args: string[], path: string, timeoutMs = 60_000): Promise<Result> {
  const { code, stdout, stderr } = await runProcess(kubectl, args, { cwd: dir, env: { PATH: path, HOME: dir, NO_COLOR: '1' }, timeoutMs, label: 'test: kubectl' });
  return { code, stdout, stderr };
}

const SYSTEM_PATH = '/usr/bin:/bin';
const withNode = () => [pluginDir, dirname(process.execPath), SYSTEM_PATH].join(':');

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  kubectl = await kubectlPath();
  dir = mkdtempSync(join(tmpdir(), 'sdrain-plugin-'));
  pluginDir = join(dir, 'plugins');
  mkdirSync(pluginDir);
  symlinkSync(join(REPO_ROOT, 'bin/kubectl-sdrain.js'), join(pluginDir, 'kubectl-sdrain'));
  const file = join(REPO_ROOT, 'examples/cluster.yaml');
  sim = await startTestSim({ objects: demoCluster(readFileSync(file, 'utf8'), file).objects, controllers: false });
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubectl sdrain (kubectl plugin)', () => {
  it('is listed by `kubectl plugin list`', async () => {
    const r = await runKubectlPlugin(['plugin', 'list'], withNode());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(pluginDir, 'kubectl-sdrain'));
    expect(r.stderr).not.toMatch(/warning/i);
  });

  it('`kubectl sdrain --help` prints sdrain help under the plugin name', async () => {
    const [top, plan] = await Promise.all([runKubectlPlugin(['sdrain', '--help'], withNode()), runKubectlPlugin(['sdrain', 'plan', '--help'], withNode())]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: kubectl sdrain \[options\] \[command\]/);
    for (const cmd of ['plan', 'show', 'apply', 'uncordon', 'unlock', 'snapshot']) expect(top.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^Usage: kubectl sdrain plan \[options\]/);
    expect(plan.stdout).toContain('--kubeconfig');
    expect(plan.stdout).toContain('Examples:');
    expect(plan.stdout).toContain('kubectl sdrain plan -f');
  });

  it('kubectl refuses its own flags before the plugin name (the README says so)', async () => {
    const r = await runKubectlPlugin(['--context', 'x', 'sdrain', '--help'], withNode());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('flags cannot be placed before plugin name: --context');
  });

  it('`kubectl sdrain plan --kubeconfig …` plans against a cluster', async () => {
    const r = await runKubectlPlugin(
      ['sdrain', 'plan', '-f', join(REPO_ROOT, 'examples/demo-maint.yaml'), '--kubeconfig', sim!.kubeconfigPath, '--out', 'plan.json', '-o', 'markdown'],
      withNode(),
      90_000,
    );
    expect(r.stderr).toContain(`Reading cluster ${sim!.url}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✅ applicable');
    const plan = readPlan(readFileSync(join(dir, 'plan.json'), 'utf8'), 'plan.json');
    expect(plan.cluster.server).toBe(sim!.url);
    expect(r.stdout).toContain(`sdrain apply plan.json --expect-digest ${plan.digest}`);
  });

  it('needs node on PATH: without it the plugin cannot start, and says which program is missing', async () => {
    // Only the plugin directory on PATH: /usr/bin/env (the shebang) finds no node.
    const r = await runKubectlPlugin(['sdrain', '--help'], pluginDir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('Usage: kubectl sdrain');
    expect(r.stderr).toMatch(/node/);
  });
});
