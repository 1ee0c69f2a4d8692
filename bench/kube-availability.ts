/**
 * Availability and duration on the real control plane (`npm run bench:kube-availability`): the
 * same layout drained once by `sdrain plan` + `sdrain apply` (the CLI binary) and once by the
 * real `kubectl drain --ignore-daemonsets --delete-emptydir-data`, on a real Kubernetes control
 * plane (scripts/kube-up.mjs, or SDRAIN_E2E_KUBECONFIG) with realistic delays: pods take
 * --startup-ms to become Ready and use their whole grace period (--grace-s) when deleted.
 * Each workload is watched by an observer of its own (LIST + WATCH on the API server). Per
 * workload: the plan's floor, the lowest serving count and seconds below the floor under each
 * tool, and for sdrain the plan's estimate against the measured time of its move.
 *
 * The estimate's shutdown model can be given what an operator would know: `--shutdown V` writes
 * `spec.estimate.shutdown: V` into the maintenance spec (graceful | whole-grace | a duration;
 * kwok's stages keep every deleted pod for its whole grace period, so `whole-grace` is the
 * truth here), and `--prestop-s N` gives every pod template a `lifecycle.preStop.sleep` of N s
 * (which the planner reads; kwok does not run hooks, so the pods still go when their grace
 * period ends).
 *
 *   node .cache/bench-build/bench/kube-availability.js [--startup-ms 5000] [--grace-s 5] [--shutdown whole-grace] [--prestop-s 4] [--json FILE]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { deployment, statefulSet } from '../test/kube/harness/e2e-cluster.js';
import { watchReady, type ReadyWatch } from '../test/kube/harness/ready-watch.js';
import { Scenario } from '../test/kube/harness/scenario.js';
import { option } from './lib/args.js';
import { machineMarkdown } from './lib/machine.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { summarise } from './lib/ready-observer.js';
import { startKubeUpProcess } from './lib/sim-process.js';

interface Workload {
  name: string;
  object: V1Deployment | V1StatefulSet;
  placement: [string, number][];
  pdb?: number;
}

function layout(startupMs: number, graceS: number, preStopS?: number): Workload[] {
  const d = (name: string, replicas: number, extra: { maxSurge?: number | string; maxUnavailable?: number | string } = {}) =>
    deployment(name, { replicas, startupMs, graceSeconds: graceS, ...extra });
  const out: Workload[] = [
    { name: 'nginx', object: d('nginx', 3), placement: [['worker-1', 2], ['worker-2', 1]] },
    { name: 'web', object: d('web', 5, { maxSurge: '25%', maxUnavailable: '25%' }), placement: [['worker-1', 3], ['worker-2', 1], ['worker-3', 1]] },
    { name: 'single', object: d('single', 1, { maxSurge: '25%', maxUnavailable: '25%' }), placement: [['worker-1', 1]] },
    { name: 'all-on-one', object: d('all-on-one', 3), placement: [['worker-1', 3]] },
    { name: 'db', object: statefulSet('db', { replicas: 3, startupMs, graceSeconds: graceS }), placement: [['worker-1', 1], ['worker-2', 1], ['worker-3', 1]], pdb: 1 },
  ];
  if (preStopS !== undefined) {
    for (const w of out) for (const c of w.object.spec!.template.spec!.containers) c.lifecycle = { preStop: { sleep: { seconds: preStopS } } };
  }
  return out;
}

async function prepare(kubeconfig: string, id: string, workloads: Workload[]): Promise<Scenario> {
  const s = await Scenario.create(id, kubeconfig);
  await s.addNodes({ 'worker-1': {}, 'worker-2': {}, 'worker-3': {} });
  for (const w of workloads) {
    await s.place(w.object, w.placement);
    if (w.pdb !== undefined) {
      await s.cluster.policy.createNamespacedPodDisruptionBudget({ namespace: s.namespace, body: { metadata: { name: w.name }, spec: { maxUnavailable: w.pdb, selector: { matchLabels: { app: w.name } } } } });
    }
  }
  for (const w of workloads.filter((x) => x.pdb !== undefined)) {
    await s.cluster.waitFor(`PDB ${w.name} settled`, 60_000, async () => ((await s.cluster.policy.readNamespacedPodDisruptionBudget({ namespace: s.namespace, name: w.name })).status?.disruptionsAllowed ?? 0) > 0);
  }
  return s;
}

interface Row {
  workload: string;
  replicas: number;
  floor: number;
  sdrainMin: number;
  sdrainBelowFloorS: number;
  kubectlMin: number;
  kubectlBelowFloorS: number;
  estimateS?: number;
  /** The estimate if every moved pod uses its whole grace period (as kwok's stages make them). */
  estimateMaxS?: number;
  estimateBasis?: string;
  /** Where the estimate's shutdown figure came from (observed preStop, spec, default) and its seconds. */
  shutdownBasis?: string;
  shutdownS?: number;
  actualS?: number;
}

async function observe(s: Scenario, workloads: Workload[]): Promise<Map<string, ReadyWatch>> {
  const m = new Map<string, ReadyWatch>();
  for (const w of workloads) m.set(w.name, await watchReady(s.cluster.kc, s.namespace, `app=${w.name}`));
  return m;
}

async function settle(s: Scenario, workloads: Workload[]): Promise<void> {
  for (const w of workloads) await s.cluster.waitReady(s.namespace, `app=${w.name}`, w.object.spec!.replicas ?? 1, { timeoutMs: 180_000 });
}

/** How far the actual time is from the estimate, as bench/estimate-accuracy.ts reports it. */
function errorPct(estimate: number, actual: number): string {
  const pct = ((actual - estimate) / estimate) * 100;
  return `${pct >= 0 ? '+' : ''}${fmt(pct, 0)} %`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const startupMs = Number(option(argv, '--startup-ms') ?? 5000);
  const graceS = Number(option(argv, '--grace-s') ?? 5);
  const shutdown = option(argv, '--shutdown');
  const preStopText = option(argv, '--prestop-s');
  const preStopS = preStopText === undefined ? undefined : Number(preStopText);
  const jsonOut = option(argv, '--json');
  let kubeconfig = process.env.SDRAIN_E2E_KUBECONFIG;
  let stop = async () => {};
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-bench-'));
  if (!kubeconfig) {
    kubeconfig = join(dir, 'kubeconfig');
    const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig], { timeoutMs: 300_000 });
    stop = async () => void (await proc.stop());
  }
  try {
    const workloads = layout(startupMs, graceS, preStopS);
    const setting = `start-up ${startupMs} ms, grace ${graceS} s${preStopS !== undefined ? `, preStop sleep ${preStopS} s` : ''}${shutdown ? `, spec.estimate.shutdown ${shutdown}` : ''}`;
    process.stderr.write(`kube-availability: sdrain on the real control plane (${setting})...\n`);
    const a = await prepare(kubeconfig, 'bench-sdrain', workloads);
    a.writeSpec(['worker-1'], shutdown ? `  estimate:\n    shutdown: ${shutdown}\n` : '');
    const planned = await a.plan(['-o', 'json']);
    if (planned.code !== 0) throw new Error(`sdrain plan exited ${planned.code}: ${planned.stderr}`);
    const plan = JSON.parse(planned.stdout) as { waves: { actions: { workload: { name: string }; expectedMinReady: number; replicas: number; estimate?: { seconds: number; maxSeconds?: number; basis: string; shutdownBasis?: string; shutdownSeconds: number } }[] }[] };
    const actions = new Map(plan.waves.flatMap((w) => w.actions).map((x) => [x.workload.name, x]));
    const sw = await observe(a, workloads);
    const t0 = performance.now();
    const applied = await a.apply(['--events', 'events.ndjson'], 'plan.json', { timeoutMs: 900_000 });
    if (applied.code !== 0) throw new Error(`sdrain apply exited ${applied.code}: ${applied.stderr}`);
    const sdrainEnd = performance.now() - t0;
    await settle(a, workloads);
    const sdrainEndByWatch = new Map([...sw].map(([k, w]) => [k, w.elapsed()]));
    const events = readFileSync(join(a.dir, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; workload?: { name: string }; ms?: number });
    for (const w of sw.values()) await w.stop();
    await a.cleanup();

    process.stderr.write('kube-availability: kubectl drain on the same layout...\n');
    const b = await prepare(kubeconfig, 'bench-kubectl', workloads);
    const kw = await observe(b, workloads);
    const k0 = performance.now();
    const drained = await b.kubectl(['drain', b.node('worker-1'), '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=600s'], { timeoutMs: 900_000 });
    if (drained.code !== 0) throw new Error(`kubectl drain exited ${drained.code}: ${drained.stderr}`);
    const kubectlEnd = performance.now() - k0;
    await settle(b, workloads);
    const kubectlEndByWatch = new Map([...kw].map(([k, w]) => [k, w.elapsed()]));
    for (const w of kw.values()) await w.stop();
    await b.cleanup();

    const rows: Row[] = workloads.map((w) => {
      const action = actions.get(w.name);
      const floor = action?.expectedMinReady ?? w.object.spec!.replicas ?? 1;
      // Observers started before each tool; count time below the floor from there to the end of the settle.
      const sd = summarise(sw.get(w.name)!.timeline(), floor, sdrainEndByWatch.get(w.name)!);
      const kd = summarise(kw.get(w.name)!.timeline(), floor, kubectlEndByWatch.get(w.name)!);
      const done = events.find((e) => e.type === 'workload-done' && e.workload?.name === w.name);
      return {
        workload: w.name,
        replicas: w.object.spec!.replicas ?? 1,
        floor,
        sdrainMin: sw.get(w.name)!.min(),
        sdrainBelowFloorS: sd.msBelow / 1000,
        kubectlMin: kw.get(w.name)!.min(),
        kubectlBelowFloorS: kd.msBelow / 1000,
        ...(action?.estimate ? { estimateS: action.estimate.seconds, estimateBasis: action.estimate.basis } : {}),
        ...(action?.estimate?.maxSeconds !== undefined ? { estimateMaxS: action.estimate.maxSeconds } : {}),
        ...(action?.estimate?.shutdownBasis !== undefined ? { shutdownBasis: action.estimate.shutdownBasis, shutdownS: action.estimate.shutdownSeconds } : {}),
        ...(done?.ms !== undefined ? { actualS: done.ms / 1000 } : {}),
      };
    });
    const table = markdownTable(
      ['workload', 'replicas', 'plan floor', 'sdrain min', 's below floor', 'kubectl drain min', 's below floor', 'estimate (s)', 'shutdown assumed', 'actual (s)', 'error', 'estimate, whole grace (s)', 'error'],
      rows.map((r) => [
        r.workload,
        String(r.replicas),
        String(r.floor),
        String(r.sdrainMin),
        fmt(r.sdrainBelowFloorS, 1),
        String(r.kubectlMin),
        fmt(r.kubectlBelowFloorS, 1),
        r.estimateS !== undefined ? `${fmt(r.estimateS, 1)} (${r.estimateBasis})` : '—',
        r.shutdownBasis !== undefined ? `${fmt(r.shutdownS!, 1)} s (${r.shutdownBasis})` : '—',
        r.actualS !== undefined ? fmt(r.actualS, 1) : '—',
        r.estimateS !== undefined && r.actualS !== undefined ? errorPct(r.estimateS, r.actualS) : '—',
        r.estimateMaxS !== undefined ? fmt(r.estimateMaxS, 1) : '—',
        r.estimateMaxS !== undefined && r.actualS !== undefined ? errorPct(r.estimateMaxS, r.actualS) : '—',
      ]),
    );
    const out = `${machineMarkdown()}\nKubernetes v1.36.3 (real control plane), ${setting}; sdrain apply ${fmt(sdrainEnd / 1000, 1)} s, kubectl drain ${fmt(kubectlEnd / 1000, 1)} s\n\n${table}\n`;
    process.stdout.write(out);
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ startupMs, graceS, ...(shutdown ? { shutdown } : {}), ...(preStopS !== undefined ? { preStopS } : {}), sdrainMs: sdrainEnd, kubectlMs: kubectlEnd, rows }, null, 2));
    const violated = rows.filter((r) => r.sdrainMin < r.floor);
    if (violated.length) {
      process.stderr.write(`kube-availability: sdrain went below the plan floor for ${violated.map((r) => r.workload).join(', ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kube-availability: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
