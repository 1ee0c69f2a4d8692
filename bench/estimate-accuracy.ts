/**
 * How good the plan's duration estimate is: `sdrain plan` + `sdrain apply` (the CLI binary) on
 * the benchmark scenarios in the simulator, and per workload and wave the plan's estimate beside
 * the actual time from apply's NDJSON events (workload-done / wave-done carry both).
 *
 * The generated clusters' pods are loaded Running, so to give the planner the fact it reads
 * from a real cluster — how long this workload's pods took to become ready — each pod's Ready
 * (and ContainersReady) lastTransitionTime is set to its creation plus the start-up the
 * simulator gives that workload (sim.sdrain.io/startup-ms, else --pod-startup-ms), rounded to
 * whole seconds as Kubernetes writes it. Nothing else changes; the planner never reads the
 * simulator's annotations.
 *
 * `--shutdown V` adds `spec.estimate.shutdown: V` to every scenario's maintenance spec — what
 * an operator who knows how the app stops would state (the `realistic` scenario's pods use
 * their whole 30 s grace period: `--only realistic --shutdown whole-grace`).
 *
 *   node .cache/bench-build/bench/estimate-accuracy.js [--scale 1] [--only seed-article,mixed,waves,pinned,realistic] [--shutdown whole-grace] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../src/model/k8s.js';
import { STARTUP_MS_ANNOTATION } from '../src/sim/controllers/sim-annotations.js';
import { mixedScenario, pinnedScenario, realisticScenario, seedScenario, wavesScenario, type DrainScenario } from './drain-scenarios.js';
import { runDrain } from './drain-compare.js';
import { option } from './lib/args.js';
import { BENCH_WORK } from './lib/bench-paths.js';
import { fmt, markdownTable } from './lib/markdown-table.js';

export interface EstimateRow {
  scenario: string;
  wave: number;
  /** `Deployment shop/web-1`, or `wave N` for the wave's own row. */
  what: string;
  method: string;
  basis: string;
  estimateS: number;
  /** The estimate if every pod used its whole grace period to shut down. */
  maxS?: number;
  actualS: number;
  /** (actual − estimate) ÷ estimate, in %. */
  errorPct: number;
}

/** Ready `startup` after creation, as a cluster that watched these pods start would show. */
export function withObservedStartup(objects: KubeObject[], defaultMs: number): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Pod') return o;
    const created = Date.parse(o.metadata.creationTimestamp ?? '');
    if (!Number.isFinite(created)) return o;
    const ann = Number(o.metadata.annotations?.[STARTUP_MS_ANNOTATION]);
    const startup = Number.isFinite(ann) && ann > 0 ? ann : defaultMs;
    const readyAt = new Date(Math.floor((created + startup) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status = o.status as { conditions?: { type: string; lastTransitionTime?: string }[] } | undefined;
    return {
      ...o,
      status: { ...status, conditions: (status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, lastTransitionTime: readyAt } : c)) },
    };
  });
}

/** The scenario's maintenance spec with `spec.estimate.shutdown` stated (the spec ends with spec's last field). */
export function withShutdown(maintYaml: string, shutdown: string | undefined): string {
  return shutdown === undefined ? maintYaml : `${maintYaml.replace(/\n*$/, '\n')}  estimate:\n    shutdown: ${shutdown}\n`;
}

export async function runEstimateAccuracy(scenarios: DrainScenario[], log: (s: string) => void = (s) => process.stderr.write(s), shutdown?: string): Promise<EstimateRow[]> {
  const rows: EstimateRow[] = [];
  for (const s of scenarios) {
    log(`estimate-accuracy: ${s.name}${shutdown ? ` (spec.estimate.shutdown ${shutdown})` : ''}...\n`);
    const run = await runDrain({ ...s, maintYaml: withShutdown(s.maintYaml, shutdown), objects: withObservedStartup(s.objects, s.podStartupMs) }, 'sdrain');
    if (!run.plan || !run.events) throw new Error(`sdrain could not plan or apply ${s.name}: ${run.error}`);
    for (const e of run.events) {
      if (e.type === 'workload-done' && typeof e.estimateSeconds === 'number') {
        const ref = e.workload as { kind: string; namespace?: string; name: string };
        const action = run.plan.waves.find((w) => w.index === e.wave)?.actions.find((a) => a.workload.kind === ref.kind && a.workload.name === ref.name && a.workload.namespace === ref.namespace);
        const actualS = (e.ms as number) / 1000;
        const maxS = action?.estimate?.maxSeconds;
        const stop = action?.estimate?.shutdownBasis;
        rows.push({ scenario: s.name, wave: e.wave as number, what: `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`, method: action?.method ?? '?', basis: `${action?.estimate?.basis ?? '?'}${stop ? `, stop ${action!.estimate!.shutdownSeconds} s ${stop}` : ''}`, estimateS: e.estimateSeconds, ...(maxS !== undefined ? { maxS } : {}), actualS, errorPct: ((actualS - e.estimateSeconds) / e.estimateSeconds) * 100 });
      }
      if (e.type === 'wave-done' && typeof e.estimateSeconds === 'number') {
        const actualS = (e.ms as number) / 1000;
        const we = run.plan.waves.find((w) => w.index === e.wave)?.estimate;
        rows.push({ scenario: s.name, wave: e.wave as number, what: `wave ${e.wave as number}`, method: '', basis: we?.basis ?? '?', estimateS: e.estimateSeconds, ...(we?.maxSeconds !== undefined ? { maxS: we.maxSeconds } : {}), actualS, errorPct: ((actualS - e.estimateSeconds) / e.estimateSeconds) * 100 });
      }
    }
  }
  return rows;
}

export function estimateMarkdown(rows: EstimateRow[]): string {
  const workloads = rows.filter((r) => !r.what.startsWith('wave '));
  const within = workloads.filter((r) => Math.abs(r.errorPct) <= 25).length;
  const abs = workloads.map((r) => Math.abs(r.errorPct)).sort((a, b) => a - b);
  const median = abs.length ? abs[Math.floor(abs.length / 2)]! : 0;
  return (
    markdownTable(
      ['scenario', 'wave', 'workload / wave', 'method', 'basis (start-up, stop)', 'estimate s', 'up to (whole grace) s', 'actual s', 'error'],
      rows.map((r) => [r.scenario, r.wave, r.what, r.method, r.basis, fmt(r.estimateS), r.maxS !== undefined ? fmt(r.maxS) : '-', fmt(r.actualS), `${r.errorPct >= 0 ? '+' : ''}${fmt(r.errorPct, 0)} %`]),
    ) + `\nWorkloads within ±25 %: ${within} of ${workloads.length}; median absolute error ${fmt(median, 0)} %; actual within the whole-grace bound: ${workloads.filter((r) => r.maxS === undefined || r.actualS <= r.maxS).length} of ${workloads.length}.\n`
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scale = Number(option(argv, '--scale') ?? '1');
  const all: Record<string, (scale: number) => DrainScenario> = { 'seed-article': seedScenario, mixed: mixedScenario, waves: wavesScenario, pinned: pinnedScenario, realistic: realisticScenario };
  const only = option(argv, '--only')?.split(',') ?? Object.keys(all);
  const unknown = only.filter((n) => !all[n]);
  if (unknown.length) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')}`);
  const rows = await runEstimateAccuracy(only.map((n) => all[n]!(scale)), undefined, option(argv, '--shutdown'));
  const json = option(argv, '--json') ?? join(BENCH_WORK, 'results', 'estimate-accuracy.json');
  mkdirSync(join(json, '..'), { recursive: true });
  writeFileSync(json, `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write(`## Duration estimate vs actual\n\n${estimateMarkdown(rows)}\nRaw: ${json}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
