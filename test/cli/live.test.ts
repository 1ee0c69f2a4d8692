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

  it('leaves the pods\' API defaults out of the snapshot and a simulator loaded from it serves them again', async () => {
    // A pod created through the API gets the server's defaults, as on a real cluster.
    const made = await sim!.kubectl(['run', 'defaults-probe', '--image=nginx:1.27', '--restart=Never', '-n', 'default', '--overrides={"spec":{"nodeName":"worker-3"}}']);
    expect(made.stderr).toBe('');
    const snap = await runCli(['snapshot', '--out', 'slim.json', '--kubeconfig', sim!.kubeconfigPath], { cwd: dir });
    expect(snap.code).toBe(0);
    const text = readFileSync(join(dir, 'slim.json'), 'utf8');
    const line = text.split('\n').find((l) => l.includes('"name":"defaults-probe"'));
    expect(line).toBeDefined();
    for (const field of ['"dnsPolicy"', '"schedulerName"', '"terminationGracePeriodSeconds"', '"terminationMessagePath"', '"lastProbeTime":null']) expect(line).not.toContain(field);

    const copy = await startTestSim({ file: join(dir, 'slim.json'), controllers: false });
    try {
      const [orig, again] = await Promise.all([sim!, copy].map((s) => s.kubectl(['get', 'pod', 'defaults-probe', '-n', 'default', '-o', 'json'])));
      const spec = (r: { stdout: string }) => (JSON.parse(r.stdout) as { spec: Record<string, unknown> }).spec;
      expect(spec(again!)).toEqual(spec(orig!));
      expect(spec(again!)).toMatchObject({ dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', restartPolicy: 'Never', terminationGracePeriodSeconds: 30 });
    } finally {
      await copy.stop();
    }
  });
});
