/**
 * Apply time and cost: `sdrain apply` against the lower bound its plan implies (critical path
 * through the waves from the start-up and termination times, see lowerBoundMs) and against
 * `kubectl drain` of the same nodes on a fresh copy of the cluster; API requests per moved pod
 * from the simulator's counter (by verb), beside what polling every moved pod once a second
 * while its move runs would cost.
 *
 *   node .cache/bench-build/bench/apply-time.js [--scale 1] [--only seed-article,mixed,waves,realistic] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedScenario, wavesScenario, mixedScenario, realisticScenario, type DrainScenario } from './drain-scenarios.js';
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
  sdrainByVerb: Record<string, number>;
  kubectlRequests: number;
  kubectlPerPod: number;
  kubectlByVerb: Record<string, number>;
  /**
   * One GET per moved pod per second while its move runs (workload-start → workload-done in
   * sdrain's events): what a tool that polls each pod instead of watching would send.
   */
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
    const bound = lowerBoundMs(sd.plan, (ns, name) => startup.get(`${ns}/${name}`) ?? s.podStartupMs, s.terminationMs);
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
      sdrainByVerb: sd.requestsByVerb,
      kubectlRequests: kd.requests,
      kubectlPerPod: kd.requests / Math.max(1, moved),
      kubectlByVerb: kd.requestsByVerb,
      pollingEstimate: pollingEstimate(sd) ?? Math.round((moved * applyMs) / 1000),
    });
  }
  return { rows, runs };
}

/** Σ over moved workloads of pods × seconds their move ran (undefined without events). */
export function pollingEstimate(run: DrainRun): number | undefined {
  if (!run.events) return undefined;
  let total = 0;
  const key = (e: Record<string, unknown>) => `${e.wave as number}/${JSON.stringify(e.workload)}`;
  const pods = new Map<string, number>();
  for (const e of run.events) {
    if (e.type === 'workload-start') pods.set(key(e), (e.pods as unknown[]).length);
    if (e.type === 'workload-done') total += (pods.get(key(e)) ?? 0) * Math.ceil((e.ms as number) / 1000);
  }
  return total;
}

const VERBS: [string, string][] = [['list', 'L'], ['watch', 'W'], ['get', 'G'], ['patch', 'P'], ['create', 'C'], ['update', 'U'], ['delete', 'D'], ['discovery', 'disc']];

/** "L13 W4 G6 P7 C3 U2": requests by verb, in a fixed order. */
export function byVerb(counts: Record<string, number>): string {
  const known = VERBS.filter(([v]) => counts[v]).map(([v, k]) => `${k}${counts[v]}`);
  const other = Object.entries(counts).filter(([v, n]) => n && !VERBS.some(([k]) => k === v)).map(([v, n]) => `${v} ${n}`);
  return [...known, ...other].join(' ');
}

export function applyTimeMarkdown(rows: ApplyTimeRow[]): string {
  const failed = rows.filter((r) => r.failed).map((r) => `- ${r.scenario}: ${r.failed}\n`).join('');
  const time = markdownTable(
    ['scenario', 'waves', 'moved pods', 'lower bound s', 'sdrain apply s (own clock)', 'apply ÷ bound', 'sdrain apply CLI wall s', 'sdrain plan CLI s', 'kubectl drain s', 'kubectl: all ready again s', 'sdrain: all ready again s'],
    rows.map((r) => [r.scenario, r.waves, r.movedPods, fmt(r.lowerBoundS, 1), fmt(r.applyS, 1), fmt(r.ratio, 2), fmt(r.applyCliS, 1), fmt(r.planCliS, 1), fmt(r.kubectlS, 1), r.kubectlRecoveredS === undefined ? 'not all (see availability)' : fmt(r.kubectlRecoveredS, 1), r.sdrainRecoveredS === undefined ? 'not all' : fmt(r.sdrainRecoveredS, 1)]),
  );
  const cost = markdownTable(
    ['scenario', 'moved pods', 'sdrain apply requests (per moved pod)', 'sdrain by verb', 'kubectl drain requests (per moved pod)', 'kubectl by verb', '1-s polling of each moved pod while it moves'],
    rows.map((r) => [r.scenario, r.movedPods, `${r.sdrainRequests} (${fmt(r.sdrainPerPod, 1)})`, byVerb(r.sdrainByVerb), `${r.kubectlRequests} (${fmt(r.kubectlPerPod, 1)})`, byVerb(r.kubectlByVerb), r.pollingEstimate]),
  );
  return (failed ? `Failed runs (their row shows the time until the failure):\n\n${failed}\n` : '') + `Time:\n\n${time}\nRequests, counted by the simulator by verb (L list, W watch, G get, P patch, C create: evictions, the lease, access reviews; U update: lease renewals; D delete; disc discovery):\n\n${cost}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scale = Number(option(argv, '--scale') ?? '1');
  const all: Record<string, (scale: number) => DrainScenario> = { 'seed-article': seedScenario, mixed: mixedScenario, waves: wavesScenario, realistic: realisticScenario };
  const only = option(argv, '--only')?.split(',') ?? Object.keys(all);
  const unknown = only.filter((n) => !all[n]);
  if (unknown.length) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')}`);
  const report = await runApplyTime(only.map((n) => all[n]!(scale)));
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
