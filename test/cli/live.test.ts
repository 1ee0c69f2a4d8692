/**
 * End-to-end against the simulator over HTTPS with the real read path: planning live gives
 * byte-identical plan files to planning from a `sdrain snapshot` of the same cluster — the
 * snapshot file records the cluster identity (server URL and kube-system uid), so even
 * `cluster.server` matches. The simulator runs without controllers so nothing changes between
 * the reads. Needs `npx tsc -p tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { readPlan } from '../../src/planfile/read-plan.js';

let sim: TestSim | undefined;
let dir: string;

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-live-'));
  sim = await startTestSim({ file: join(REPO_ROOT, 'examples/cluster.yaml'), controllers: false });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('live planning through the simulator', () => {
  it('gives the same plan file as planning from a sdrain snapshot of it', async () => {
    const spec = join(REPO_ROOT, 'examples/maint.yaml');
    const [snap, toStdout, live] = await Promise.all([
      runCli(['snapshot', '--out', 'snap.json'], { cwd: dir, env: { KUBECONFIG: sim!.kubeconfigPath } }),
      runCli(['snapshot', '--kubeconfig', sim!.kubeconfigPath], { cwd: dir }),
      runCli(['plan', '-f', spec, '--kubeconfig', sim!.kubeconfigPath, '--out', 'live.json', '-o', 'json'], { cwd: dir }),
    ]);
    expect(snap.stderr).toMatch(/^Snapshot written to snap\.json: \d+ nodes, \d+ pods, \d+ namespaces\.$/m);
    expect(snap.code).toBe(0);
    expect(live.stderr).toContain(`Reading cluster ${sim!.url}`);
    expect([0, 2]).toContain(live.code);

    const fromFile = await runCli(['plan', '-f', spec, '--snapshot', 'snap.json', '--out', 'file.json'], { cwd: dir });
    expect(fromFile.code).toBe(live.code);
    const liveText = readFileSync(join(dir, 'live.json'), 'utf8');
    expect(readFileSync(join(dir, 'file.json'), 'utf8')).toBe(liveText);
    expect(live.stdout).toBe(liveText);

    const plan = readPlan(liveText, 'live.json');
    expect(plan.cluster.server).toBe(sim!.url);
    expect(plan.cluster.uid).toMatch(/\S/);
    expect(plan.waves.map((w) => w.nodes)).toEqual([['worker-1'], ['worker-2']]);
    expect(plan.waves[0]!.actions.length).toBeGreaterThan(0);
    const snapText = readFileSync(join(dir, 'snap.json'), 'utf8');
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(snapText);
    expect(snapText.startsWith('{"apiVersion":"sdrain.io/v1alpha1","kind":"Snapshot","cluster":')).toBe(true);
    expect(snapText).not.toContain(sim!.sim.token);
  });
});
