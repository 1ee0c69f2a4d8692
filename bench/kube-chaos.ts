/**
 * `npm run chaos:kube`: seeded runs of apply with faults of real components (see
 * test/kube/harness/kube-chaos.ts), on the seed scenario and a mixed one, on one real control
 * plane started here. Prints a Markdown table (runs, faults, exit codes, floor violations,
 * re-run convergence, what the node lifecycle controller did, leftovers) and exits 1 when any
 * run broke a floor, failed to converge or left something behind.
 *
 *   node .cache/bench-build/bench/kube-chaos.js [--seeds 1] [--first-seed 1] [--faults a,b]
 *     [--faults-per-run 1] [--layouts seed,mixed] [--json FILE] [--kube-logs DIR]
 *   node .cache/bench-build/bench/kube-chaos.js --table-from a.json,b.json   (table only)
 *
 * Each seed runs every selected fault on both layouts. With --faults-per-run K > 1 each run
 * adds K-1 further faults (seeded, distinct) after the first. `kubelet-outage` runs of even
 * seeds set the spec's workload timeout to 60s: longer than the node lifecycle controller takes
 * to mark the nodes Unknown (~50 s), shorter than the outage (70–80 s), so apply gives up while
 * the nodes are down (an exit 1 that must say what it waited for); odd seeds keep the default
 * 10m. --json is rewritten after every run, so an interrupted bench keeps its runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../src/sim/store/seeded-random.js';
import { KUBE_FAULTS, runKubeChaos, type ChaosLayout, type KubeChaosRun, type KubeFault } from '../test/kube/harness/kube-chaos.js';
import { option } from './lib/args.js';
import { machineMarkdown } from './lib/machine.js';
import { markdownTable } from './lib/markdown-table.js';
import { controlUrlOf, startKubeUpProcess } from './lib/sim-process.js';

const SHORT_TIMEOUT = '60s';

function faultsOf(arg: string | undefined): KubeFault[] {
  if (!arg) return [...KUBE_FAULTS];
  return arg.split(',').map((f) => {
    if (!(KUBE_FAULTS as readonly string[]).includes(f)) throw new Error(`--faults: unknown fault "${f}" (one of ${KUBE_FAULTS.join(', ')})`);
    return f as KubeFault;
  });
}

type BenchRun = KubeChaosRun & { crashed?: string[] };

function report(runs: BenchRun[], seconds: number | null): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const table = markdownTable(
    ['layout', 'seed', 'faults (at s, down s)', 'first apply', 're-runs', 'converged', 'lowest serving+held / API view (floor held?)', 'node lifecycle controller', 'left behind'],
    runs.map((r) => {
      const nl = r.nodeLifecycle;
      return [
        r.layout,
        String(r.seed),
        r.faults.map((f) => (f.atMs === null ? `${f.fault} (not reached: apply done)` : `${f.fault} (${s(f.atMs)}, ${s(f.downMs)})`)).join(' + ') +
          (r.workloadTimeout ? `; workload timeout ${r.workloadTimeout}` : '') +
          (r.crashed?.length ? `; **crashed and restarted: ${r.crashed.join(', ')}**` : ''),
        `${r.firstExit === 0 ? 'exit 0' : `exit ${r.firstExit}${r.firstError ? `: ${r.firstError.replace(/\|/g, '\\|').slice(0, 160)}` : ''}`} after ${s(r.firstMs)} s`,
        r.reruns === 0 ? '0' : `${r.reruns}: ${(r.rerunOutcomes ?? []).map((o) => (o.exit === 0 ? 'exit 0' : `exit ${o.exit}${o.error ? ` (${o.error.replace(/\|/g, '\\|').slice(0, 120)})` : ''}`)).join(', ')}`,
        r.converged ? 'yes' : '**no**',
        `${Object.keys(r.minHeld).map((w) => `${w} ${r.minHeld[w]}/${r.minReady[w]}`).join(', ')} (${r.violations.length ? `**${r.violations.join('; ')}**` : 'yes'})`,
        nl.notReadyAfterStopMs === null
          ? '—'
          : `nodes not Ready ${s(nl.notReadyAfterStopMs)} s after the stop${nl.readyAfterStartMs !== null ? `, Ready ${s(nl.readyAfterStartMs)} s after the start` : ''}; ${nl.podsMarkedNotReady} pods marked not Ready; taints ${nl.taints.filter((t) => !t.startsWith('node.kubernetes.io/unschedulable')).join(', ') || 'none'}`,
        r.leftovers.length ? `**${r.leftovers.join('; ')}**` : 'nothing',
      ];
    }),
  );
  const faults = runs.reduce((a, r) => a + r.faults.filter((f) => f.atMs !== null).length, 0);
  return (
    `Kubernetes v1.36.3 (real control plane); ${runs.length} runs, ${faults} faults injected${seconds === null ? '' : `, ${seconds.toFixed(0)} s`}; ` +
    `first apply exit 0: ${runs.filter((r) => r.firstExit === 0).length}, exit 1: ${runs.filter((r) => r.firstExit === 1).length}, other: ${runs.filter((r) => r.firstExit !== 0 && r.firstExit !== 1).length}; ` +
    `converged ${runs.filter((r) => r.converged).length}/${runs.length}; floor violations ${runs.reduce((a, r) => a + r.violations.length, 0)}; ` +
    `runs leaving something behind ${runs.filter((r) => r.leftovers.length).length}\n\n${table}\n`
  );
}

const isBad = (r: KubeChaosRun) => r.violations.length > 0 || !r.converged || r.leftovers.length > 0 || (r.firstExit !== 0 && r.firstExit !== 1);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const from = option(argv, '--table-from');
  if (from) {
    const runs = from.split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchRun[]);
    process.stdout.write(report(runs, null));
    if (runs.some(isBad)) process.exitCode = 1;
    return;
  }
  const seeds = Number(option(argv, '--seeds') ?? 1);
  const firstSeed = Number(option(argv, '--first-seed') ?? 1);
  const perRun = Number(option(argv, '--faults-per-run') ?? 1);
  const selected = faultsOf(option(argv, '--faults'));
  const jsonOut = option(argv, '--json');
  const layouts = (option(argv, '--layouts') ?? 'seed,mixed').split(',') as ChaosLayout[];
  if (layouts.some((l) => l !== 'seed' && l !== 'mixed')) throw new Error('--layouts: seed, mixed or both');
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-chaos-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const kubeLogs = option(argv, '--kube-logs');
  // A component that crashes (kube-scheduler exits when it finds its cache corrupted) is
  // started again, as a kubelet restarts a static pod; each run lists the ones that did.
  const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig, '--restart-crashed', ...(kubeLogs ? ['--log-dir', kubeLogs] : [])], { timeoutMs: 300_000 });
  const control = controlUrlOf(proc.stdout());
  let stopping = false;
  let died = '';
  void proc.exited.then((code) => {
    if (stopping) return;
    died = `kube:up exited (${code}) during the bench: ${proc.stderr().slice(-3000)}`;
    process.stderr.write(`chaos:kube: ${died}\n`);
  });
  const runs: BenchRun[] = [];
  const started = performance.now();
  try {
    if (!control) throw new Error('kube:up printed no control endpoint');
    let n = 0;
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      for (const layout of layouts) {
        for (const fault of selected) {
          if (died) throw new Error(died);
          n++;
          const runSeed = seed * 100 + n;
          const pick = mulberry32(runSeed ^ 0x5eed);
          const faults = [fault];
          while (faults.length < Math.min(perRun, KUBE_FAULTS.length)) {
            const f = KUBE_FAULTS[Math.floor(pick() * KUBE_FAULTS.length)]!;
            if (!faults.includes(f)) faults.push(f);
          }
          const workloadTimeout = fault === 'kubelet-outage' && seed % 2 === 0 ? SHORT_TIMEOUT : undefined;
          const errAt = proc.stderr().length;
          const run: KubeChaosRun & { crashed?: string[] } = await runKubeChaos({ kubeconfig, control, layout, faults, seed: runSeed, id: `kchaos-${seed}-${n}`, ...(workloadTimeout ? { workloadTimeout } : {}), log: (l) => process.stderr.write(`${l}\n`) });
          const crashed = [...proc.stderr().slice(errAt).matchAll(/kube:up: (\S+) exited unexpectedly \(([^)]*)\); restarting/g)].map((m) => `${m[1]} (${m[2]})`);
          if (crashed.length) run.crashed = crashed;
          process.stderr.write(`chaos:kube: ${layout} ${faults.join('+')}: exit ${run.firstExit} after ${run.firstMs} ms, re-runs ${run.reruns}, converged ${run.converged}, violations ${run.violations.length}, leftovers ${run.leftovers.length}\n`);
          runs.push(run);
          if (jsonOut) writeFileSync(jsonOut, JSON.stringify(runs, null, 2));
        }
      }
    }
  } finally {
    stopping = true;
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${machineMarkdown()}${report(runs, (performance.now() - started) / 1000)}`);
  if (runs.some(isBad)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos:kube: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
