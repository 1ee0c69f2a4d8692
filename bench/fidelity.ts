/**
 * `npm run bench:fidelity`: the planner's predictions and the simulator's behaviour against the
 * real control plane. Seeded cases (bench/lib/fidelity-cases.ts) run one after another on one
 * real control plane (scripts/kube-up.mjs, or SDRAIN_E2E_KUBECONFIG) and, at the same time, on
 * one `sdrain sim` (seeded the same); bench/lib/fidelity-run.ts runs a case, and
 * bench/lib/fidelity-compare.ts turns the runs into the figures printed here as Markdown.
 * Exits 1 when a safety figure is not 0 or a floor was broken.
 *
 *   node .cache/bench-build/bench/fidelity.js [--seed 1] [--cases 200] [--first 1]
 *     [--no-sim] [--budget-min 40] [--json FILE]
 *   node .cache/bench-build/bench/fidelity.js --report FILE   # the figures of a saved --json run
 *
 * --budget-min stops starting new cases after that many minutes (the count run is reported).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, option } from './lib/args.js';
import { fidelityCase } from './lib/fidelity-cases.js';
import { plannerFigures, simFigures, type CaseResult } from './lib/fidelity-compare.js';
import { runCasePair, startEmptySim } from './lib/fidelity-run.js';
import { machineMarkdown } from './lib/machine.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { startKubeUpProcess } from './lib/sim-process.js';

const pct = (a: number, b: number) => (b === 0 ? '—' : `${fmt((a / b) * 100, 1)} %`);
const medianOf = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export function renderFigures(results: CaseResult[]): string {
  const p = plannerFigures(results);
  const s = simFigures(results);
  const list = (xs: string[]) => (xs.length ? `${xs.length}: ${xs.slice(0, 6).join('; ').replace(/\|/g, '\\|')}${xs.length > 6 ? ' …' : ''}` : '0');
  const planner = markdownTable(
    ['figure (real control plane)', 'goal', 'measured'],
    [
      ['cases run / left out (setup incomplete or error)', '—', `${p.cases - p.skipped} / ${p.skipped}`],
      ['applied by sdrain / moved without sdrain (blocked or warned) / nothing to move', '—', `${p.applied} / ${p.manual} / ${p.cases - p.skipped - p.applied - p.manual}`],
      ['plan said it fits, real scheduler left a replacement Pending', '0', list(p.pendingMisses)],
      ['real scheduler placed a pod on a node the planner rules out', '0', list(p.ruledOut)],
      ['lowest ready below the plan floor (sdrain applying)', '0', list(p.floorBroken)],
      ['false alarms: plan flagged placement (UNPLACEABLE, INSUFFICIENT_CAPACITY, AFFINITY_EVICT), the real cluster placed every pod', '0', list(p.falseAlarms)],
      ['placement flags confirmed (real cluster left pods Pending too)', '—', String(p.justifiedBlocks)],
      ['replacements bound to the exact node predicted', 'reported', `${p.exactNodes}/${p.replacements} (${pct(p.exactNodes, p.replacements)})`],
      ['applies that did not exit 0', '—', list(p.applyFailures)],
    ],
  );
  const sim = markdownTable(
    ['observable (sdrain sim against the real control plane; rows below the initial placement: cases where it agreed)', 'cases compared', 'agree', 'first differences'],
    s.rows.map((r) => [r.what, String(r.compared), `${r.agree} (${pct(r.agree, r.compared)})`, r.examples.slice(0, 3).join('<br>').replace(/\|/g, '\\|') || '—']),
  );
  const timing = `New pod seen → serving (watch), median of the per-case medians: real ${fmt(medianOf(s.readyMs.real), 0)} ms, sim ${fmt(medianOf(s.readyMs.sim), 0)} ms (configured start-up, median ${fmt(medianOf(s.readyMs.configured), 0)} ms). Terminating → gone (grace 1 s): real ${fmt(medianOf(s.goneMs.real), 0)} ms, sim ${fmt(medianOf(s.goneMs.sim), 0)} ms. Apply time sim ÷ real: median ${fmt(medianOf(s.applyRatios), 2)} over ${s.applyRatios.length} cases. Sim below its own plan floor: ${list(s.simFloorBroken)}.`;
  return `${planner}\n\n${s.pairs ? `${sim}\n\n${timing}\n` : ''}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const saved = option(argv, '--report');
  if (saved) {
    process.stdout.write(renderFigures(JSON.parse(readFileSync(saved, 'utf8')) as CaseResult[]));
    return;
  }
  const seed = Number(option(argv, '--seed') ?? 1);
  const count = Number(option(argv, '--cases') ?? 200);
  const first = Number(option(argv, '--first') ?? 1);
  const budgetMs = Number(option(argv, '--budget-min') ?? 1e9) * 60_000;
  const withSim = !flag(argv, '--no-sim');
  const jsonOut = option(argv, '--json');
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-fidelity-'));
  let kubeconfig = process.env.SDRAIN_E2E_KUBECONFIG;
  const stops: (() => Promise<unknown>)[] = [];
  const results: CaseResult[] = [];
  const loads: number[] = [];
  const started = performance.now();
  try {
    if (!kubeconfig) {
      kubeconfig = join(dir, 'kubeconfig');
      const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig], { timeoutMs: 300_000 });
      stops.push(() => proc.stop());
    }
    let simKubeconfig: string | undefined;
    if (withSim) {
      const sim = await startEmptySim(dir, seed);
      simKubeconfig = sim.kubeconfig;
      stops.push(() => sim.proc.stop());
    }
    const log = (l: string) => process.stderr.write(`fidelity: ${l}\n`);
    for (let i = first; i < first + count; i++) {
      if (performance.now() - started > budgetMs) {
        log(`budget of ${budgetMs / 60_000} min spent: stopping after ${results.length} cases`);
        break;
      }
      const c = fidelityCase(seed, i);
      const { real, sim } = await runCasePair(c, kubeconfig, simKubeconfig, log);
      results.push({ c, real, ...(sim ? { sim } : {}) });
      loads.push(loadavg()[0]!);
      log(
        `${c.id}: real ${real.setupOk ? `${real.mode} exit ${real.applyExit ?? '-'} pending [${Object.keys(real.pending)}] flagged [${real.plan?.placementFlagged ?? ''}]` : `setup incomplete`}` +
          (sim ? ` | sim ${sim.setupOk ? `${sim.mode} exit ${sim.applyExit ?? '-'} pending [${Object.keys(sim.pending)}] flagged [${sim.plan?.placementFlagged ?? ''}]` : 'setup incomplete'}` : '') +
          ` (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
      if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const features = new Map<string, number>();
  for (const { c } of results) for (const w of c.workloads) for (const f of w.features) features.set(f, (features.get(f) ?? 0) + 1);
  const header =
    `${machineMarkdown()}Command: \`node .cache/bench-build/bench/fidelity.js ${argv.join(' ')}\`; seed ${seed}; Kubernetes v1.36.3 (real control plane, kwok v0.8.0 kubelets)${withSim ? ' and sdrain sim' : ''}; ` +
    `${results.length} cases in ${fmt(seconds / 60, 1)} min; load average (1 min) during the run: median ${fmt(medianOf(loads), 2)}, max ${fmt(Math.max(...loads, 0), 2)}; ${new Date().toISOString()}.\n` +
    `Workload features: ${[...features].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} ${n}`).join(', ')}; near-full clusters ${results.filter((r) => r.c.nearFull).length}; local PVs ${results.filter((r) => r.c.bindingMode).length} (WaitForFirstConsumer ${results.filter((r) => r.c.bindingMode === 'WaitForFirstConsumer').length}).\n\n`;
  process.stdout.write(header + renderFigures(results));
  const p = plannerFigures(results);
  if (p.pendingMisses.length || p.ruledOut.length || p.floorBroken.length) process.exitCode = 1;
}

if (process.argv[1] && /fidelity\.js$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`fidelity: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
