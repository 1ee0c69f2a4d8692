/**
 * Availability: the same drain by `sdrain apply` (plan, then apply, through the CLI binary) and
 * by the real `kubectl drain`, each on a fresh simulator, with each workload's ready pods
 * counted by an observer of the simulator's store. Per workload: the plan's promised floor
 * (expectedMinReady), the lowest ready count, and seconds below the floor and below full
 * strength. Goal: sdrain never below its floor.
 *
 *   node .cache/bench-build/bench/availability.js [--scale 1] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mixedScenario, pinnedScenario, seedScenario, type DrainScenario } from './drain-scenarios.js';
import { planFloors, runDrain, type DrainRun } from './drain-compare.js';
import { option } from './lib/args.js';
import { BENCH_WORK } from './lib/bench-paths.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { summarise } from './lib/ready-observer.js';

export interface AvailabilityRow {
  scenario: string;
  workload: string;
  replicas: number;
  floor: number;
  sdrainMin: number;
  sdrainBelowFloorS: number;
  sdrainBelowFullS: number;
  kubectlMin: number;
  kubectlBelowFloorS: number;
  kubectlBelowFullS: number;
  /** Still below full strength when observation ended (e.g. a pinned pod left Pending). */
  sdrainNotBack: boolean;
  kubectlNotBack: boolean;
}

export interface AvailabilityReport {
  rows: AvailabilityRow[];
  runs: DrainRun[];
  /** Runs that failed (the tool exited non-zero), one line each. */
  failures: string[];
  /** True when no workload went below its plan floor under sdrain. */
  goalMet: boolean;
}

export async function runAvailability(scenarios: DrainScenario[], log: (s: string) => void = (s) => process.stderr.write(s)): Promise<AvailabilityReport> {
  const rows: AvailabilityRow[] = [];
  const runs: DrainRun[] = [];
  const failures: string[] = [];
  for (const s of scenarios) {
    log(`availability: ${s.name} with sdrain...\n`);
    const sd = await runDrain(s, 'sdrain');
    log(`availability: ${s.name} with kubectl drain...\n`);
    const kd = await runDrain(s, 'kubectl');
    runs.push(sd, kd);
    // A failed run is reported, not hidden: its timelines up to the failure still count.
    if (!sd.ok) log(`availability: sdrain run of ${s.name} failed: ${sd.error}\n`);
    if (!kd.ok) log(`availability: kubectl run of ${s.name} failed: ${kd.error}\n`);
    if (!sd.plan) throw new Error(`sdrain could not plan ${s.name}: ${sd.error}`);
    if (!sd.ok || !kd.ok) failures.push(...[sd, kd].filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.tool} failed: ${firstLine(r.error)}`));
    const floors = sd.plan ? planFloors(sd.plan) : new Map<string, number>();
    for (const w of s.workloads) {
      const k = `${w.namespace}/${w.app}`;
      const replicas = sd.replicas[k] ?? 0;
      const floor = floors.get(k) ?? replicas;
      const line = (r: DrainRun) => r.timelines.find((t) => t.workload.namespace === w.namespace && t.workload.app === w.app)!.points;
      const sF = summarise(line(sd), floor, sd.endMs);
      const sR = summarise(line(sd), replicas, sd.endMs);
      const kF = summarise(line(kd), floor, kd.endMs);
      const kR = summarise(line(kd), replicas, kd.endMs);
      const notBack = (r: DrainRun) => (line(r).at(-1)?.[1] ?? 0) < replicas;
      rows.push({
        scenario: s.name,
        workload: w.label,
        replicas,
        floor,
        sdrainMin: sF.min,
        sdrainBelowFloorS: sF.msBelow / 1000,
        sdrainBelowFullS: sR.msBelow / 1000,
        kubectlMin: kF.min,
        kubectlBelowFloorS: kF.msBelow / 1000,
        kubectlBelowFullS: kR.msBelow / 1000,
        sdrainNotBack: notBack(sd),
        kubectlNotBack: notBack(kd),
      });
    }
  }
  return { rows, runs, failures, goalMet: rows.every((r) => r.sdrainMin >= r.floor) };
}

function firstLine(s: string | undefined): string {
  const lines = (s ?? '').split('\n').filter((l) => /error|fail/i.test(l));
  return (lines.at(-1) ?? s ?? '').trim().slice(0, 300);
}

export function availabilityMarkdown(r: AvailabilityReport): string {
  const s = (x: number, notBack: boolean) => `${fmt(x, 1)}${notBack ? ' (not back)' : ''}`;
  const failed = r.failures.length ? `\nFailed runs:\n\n${r.failures.map((f) => `- ${f}`).join('\n')}\n` : '';
  return failed + '\n' + markdownTable(
    ['scenario', 'workload', 'replicas', 'plan floor', 'sdrain min ready', 'sdrain s below floor', 'sdrain s below full', 'kubectl drain min ready', 'kubectl s below floor', 'kubectl s below full'],
    r.rows.map((x) => [x.scenario, x.workload, x.replicas, x.floor, x.sdrainMin, fmt(x.sdrainBelowFloorS, 1), s(x.sdrainBelowFullS, x.sdrainNotBack), x.kubectlMin, fmt(x.kubectlBelowFloorS, 1), s(x.kubectlBelowFullS, x.kubectlNotBack)]),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scale = Number(option(argv, '--scale') ?? '1');
  const report = await runAvailability([seedScenario(scale), mixedScenario(scale), pinnedScenario(scale)]);
  const json = option(argv, '--json') ?? join(BENCH_WORK, 'results', 'availability.json');
  mkdirSync(join(json, '..'), { recursive: true });
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`## Availability\n\n${availabilityMarkdown(report)}\nsdrain never below its plan floor: ${report.goalMet ? 'yes' : 'NO'}\n\nRaw: ${json}\n`);
  if (!report.goalMet) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
