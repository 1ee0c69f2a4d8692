/**
 * `npm run chaos:kube`: seeded runs of apply with one fault of a real component each (see
 * test/kube/harness/kube-chaos.ts), on the seed scenario and a mixed one, on one real control
 * plane started here. Prints a Markdown table (runs, faults, exit codes, floor violations,
 * re-run convergence, leftovers) and exits 1 when any run broke a floor, failed to converge or
 * left something behind.
 *
 *   node .cache/bench-build/bench/kube-chaos.js [--seeds 1] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBE_FAULTS, runKubeChaos, type ChaosLayout, type KubeChaosRun } from '../test/kube/harness/kube-chaos.js';
import { option } from './lib/args.js';
import { machineMarkdown } from './lib/machine.js';
import { markdownTable } from './lib/markdown-table.js';
import { controlUrlOf, startKubeUpProcess } from './lib/sim-process.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seeds = Number(option(argv, '--seeds') ?? 1);
  const jsonOut = option(argv, '--json');
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-chaos-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig], { timeoutMs: 300_000 });
  const control = controlUrlOf(proc.stdout());
  const runs: KubeChaosRun[] = [];
  const started = performance.now();
  try {
    if (!control) throw new Error('kube:up printed no control endpoint');
    let n = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      for (const layout of ['seed', 'mixed'] as ChaosLayout[]) {
        for (const fault of KUBE_FAULTS) {
          n++;
          const run = await runKubeChaos({ kubeconfig, control, layout, fault, seed: seed * 100 + n, id: `kchaos-${n}`, log: (l) => process.stderr.write(`${l}\n`) });
          process.stderr.write(`chaos:kube: ${layout} ${fault}: exit ${run.firstExit}, re-runs ${run.reruns}, converged ${run.converged}, violations ${run.violations.length}\n`);
          runs.push(run);
        }
      }
    }
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = markdownTable(
    ['layout', 'fault', 'at (ms)', 'down (ms)', 'first apply', 're-runs', 'converged', 'min ready (floor held?)', 'left behind'],
    runs.map((r) => [
      r.layout,
      r.fault,
      String(r.faultAtMs),
      String(r.downMs),
      r.firstExit === 0 ? 'exit 0' : `exit ${r.firstExit}${r.firstError ? `: ${r.firstError.replace(/\|/g, '\\|').slice(0, 120)}` : ''}`,
      String(r.reruns),
      r.converged ? 'yes' : '**no**',
      `${Object.entries(r.minReady).map(([w, m]) => `${w} ${m}`).join(', ')} (${r.violations.length ? `**${r.violations.join('; ')}**` : 'yes'})`,
      r.leftovers.length ? `**${r.leftovers.join('; ')}**` : 'nothing',
    ]),
  );
  const bad = runs.filter((r) => r.violations.length || !r.converged || r.leftovers.length || (r.firstExit !== 0 && r.firstExit !== 1));
  process.stdout.write(
    `${machineMarkdown()}Kubernetes v1.36.3 (real control plane); ${runs.length} runs, ${runs.length} faults, ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `first apply exit 0: ${runs.filter((r) => r.firstExit === 0).length}, exit 1: ${runs.filter((r) => r.firstExit === 1).length}; converged ${runs.filter((r) => r.converged).length}/${runs.length}; floor violations ${runs.reduce((a, r) => a + r.violations.length, 0)}\n\n${table}\n`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(runs, null, 2));
  if (bad.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos:kube: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
