/**
 * Apply time and cost: `sdrain apply` against the lower bound its plan implies (critical path
 * through the waves from the start-up and termination times, see lowerBoundMs) and against
 * `kubectl drain` of the same nodes on a fresh copy of the cluster; API requests per moved pod
 * from the simulator's counter, beside what polling every pod once a second would cost.
 *
 *   node .cache/bench-build/bench/apply-time.js [--scale 1] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedScenario, wavesScenario, mixedScenario, type DrainScenario } from './drain-scenarios.js';
import { lowerBoundMs, runDrain, type DrainRun } from './drain-compare.js';
import { option } from './lib/args.js';
import { BENCH_WORK } from './lib/bench-paths.js';
import { fmt, markdownTable } from './lib/markdown-table.js';

export interface ApplyTimeRow {
  scenario: string;
  waves: number;
  movedPods: number;
  lowerBoundS: number;
  applyS: number;
  /** apply (own clock) ÷ lower bound. */
  ratio: number;
  applyCliS: number;
  planCliS: number;
  kubectlS: number;
  kubectlRecoveredS?: number;
  sdrainRecoveredS?: number;
  sdrainRequests: number;
  sdrainPerPod: number;
  kubectlRequests: number;
  kubectlPerPod: number;
  /** moved pods × apply seconds: one GET per pod per second while apply runs. */
  pollingEstimate: number;
  /** Which tool failed, and why (its figures then stop at the failure). */
  failed?: string;
}

function lastErrorLine(s: string | undefined): string {
  const lines = (s ?? '').split('\n').filter((l) => /error|fail/i.test(l));
  return (lines.at(-1) ?? s ?? '').trim().slice(0, 400);
}

export async function runApplyTime(scenarios: DrainScenario[], log: (s: string) => void = (s) => process.stderr.write(s)): Promise<{ rows: ApplyTimeRow[]; runs: DrainRun[] }> {
  const rows: ApplyTimeRow[] = [];
  const runs: DrainRun[] = [];
  for (const s of scenarios) {
    log(`apply-time: ${s.name} with sdrain...\n`);
    const sd = await runDrain(s, 'sdrain');
    log(`apply-time: ${s.name} with kubectl drain...\n`);
    const kd = await runDrain(s, 'kubectl');
    runs.push(sd, kd);
    if (!sd.plan) throw new Error(`sdrain could not plan ${s.name}: ${sd.error}`);
    const startup = new Map(s.workloads.map((w) => [`${w.namespace}/${w.app}`, w.startupMs]));
    const bound = lowerBoundMs(sd.plan, (ns, name) => startup.get(`${ns}/${name}`) ?? s.podStartupMs);
    const moved = sd.plan.waves.reduce((n, w) => n + w.actions.reduce((m, a) => m + a.pods.length, 0), 0);
    const applyMs = sd.applyMs ?? sd.wallMs;
    const failed = [sd, kd].filter((r) => !r.ok).map((r) => `${r.tool}: ${lastErrorLine(r.error)}`);
    rows.push({
      ...(failed.length ? { failed: failed.join('; ') } : {}),
      scenario: s.name,
      waves: sd.plan.waves.length,
      movedPods: moved,
      lowerBoundS: bound / 1000,
      applyS: applyMs / 1000,
      ratio: applyMs / bound,
      applyCliS: sd.wallMs / 1000,
      planCliS: (sd.planWallMs ?? 0) / 1000,
      kubectlS: kd.wallMs / 1000,
      kubectlRecoveredS: kd.recoveredMs !== undefined ? kd.recoveredMs / 1000 : undefined,
      sdrainRecoveredS: sd.recoveredMs !== undefined ? sd.recoveredMs / 1000 : undefined,
      sdrainRequests: sd.requests,
      sdrainPerPod: sd.requests / Math.max(1, moved),
      kubectlRequests: kd.requests,
      kubectlPerPod: kd.requests / Math.max(1, moved),
      pollingEstimate: Math.round((moved * applyMs) / 1000),
    });
  }
  return { rows, runs };
}

export function applyTimeMarkdown(rows: ApplyTimeRow[]): string {
  const failed = rows.filter((r) => r.failed).map((r) => `- ${r.scenario}: ${r.failed}\n`).join('');
  return (failed ? `Failed runs (their row shows the time until the failure):\n\n${failed}\n` : '') + markdownTable(
    ['scenario', 'waves', 'moved pods', 'lower bound s', 'sdrain apply s (own clock)', 'apply ÷ bound', 'sdrain apply CLI wall s', 'sdrain plan CLI s', 'kubectl drain s', 'kubectl: all ready again s', 'sdrain: all ready again s', 'sdrain requests (per moved pod)', 'kubectl requests (per moved pod)', '1-s polling estimate'],
    rows.map((r) => [r.scenario, r.waves, r.movedPods, fmt(r.lowerBoundS, 1), fmt(r.applyS, 1), fmt(r.ratio, 2), fmt(r.applyCliS, 1), fmt(r.planCliS, 1), fmt(r.kubectlS, 1), r.kubectlRecoveredS === undefined ? 'not all (see availability)' : fmt(r.kubectlRecoveredS, 1), r.sdrainRecoveredS === undefined ? 'not all' : fmt(r.sdrainRecoveredS, 1), `${r.sdrainRequests} (${fmt(r.sdrainPerPod, 1)})`, `${r.kubectlRequests} (${fmt(r.kubectlPerPod, 1)})`, r.pollingEstimate]),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scale = Number(option(argv, '--scale') ?? '1');
  const report = await runApplyTime([seedScenario(scale), mixedScenario(scale), wavesScenario(scale)]);
  const json = option(argv, '--json') ?? join(BENCH_WORK, 'results', 'apply-time.json');
  mkdirSync(join(json, '..'), { recursive: true });
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`## Apply time and cost\n\n${applyTimeMarkdown(report.rows)}\nRaw: ${json}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
