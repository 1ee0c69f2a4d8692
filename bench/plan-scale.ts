/**
 * Plan scale: generated clusters (bench/generate-cluster.ts) of several sizes, planned
 * (1) in a fresh process with each phase timed — read, bare JSON.parse, snapshot load, plan —
 * and peak RSS; (2) through the CLI from the snapshot file, under /usr/bin/time -v; (3) live,
 * through the CLI against `sdrain sim` loaded with the same file (only for the sizes given to
 * --live: loading the simulator is the slow part). Optional --profile writes a CPU profile of
 * the largest in-process run and lists its hot spots.
 *
 *   node --expose-gc .cache/bench-build/bench/plan-scale.js [--sizes 50,500,5000] [--live 50,500] [--drain 20] [--cli-runs 5] [--profile] [--json FILE]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCluster, scaleMaintenanceYaml } from './generate-cluster.js';
import { BENCH_BUILD, BENCH_WORK, REPO_ROOT, SDRAIN_BIN } from './lib/bench-paths.js';
import { hotSpots, type HotSpot } from './lib/cpu-profile.js';
import { listJson } from './lib/cluster-objects.js';
import { buildSnapshot } from '../src/snapshot/build-snapshot.js';
import { serializeSnapshot } from '../src/snapshot/snapshot-file.js';
import type { KubeObject } from '../src/model/k8s.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { runProcess } from './lib/run-process.js';
import { startSimProcess } from './lib/sim-process.js';
import { intList, flag, option } from './lib/args.js';
import { measurePlan, type PlanMeasurement } from './plan-scale-child.js';

export interface ScaleRow {
  nodes: number;
  objects: 'full' | 'lean';
  pods: number;
  fileMiB: number;
  generateMs: number;
  readMs: number;
  parseMs: number;
  loadMs: number;
  planMs: number;
  /** plan / bare parse. */
  planToParse: number;
  /** (load + plan) / bare parse. */
  totalToParse: number;
  childMaxRssMiB: number;
  movedPods: number;
  waves: number;
  cliSnapshotMs?: number;
  cliSnapshotRssMiB?: number;
  /** Fastest and slowest of the CLI runs (cliSnapshotMs is their median). */
  cliSnapshotRangeMs?: [number, number];
  simLoadMs?: number;
  cliLiveMs?: number;
  cliLiveRssMiB?: number;
  liveNote?: string;
}

export interface ScaleReport {
  rows: ScaleRow[];
  hotSpots?: HotSpot[];
}


export async function runPlanScale(opts: { sizes: number[]; variants: ('full' | 'lean')[]; live: number[]; drain: number; profile: boolean; log?: (s: string) => void; liveTimeoutMs?: number; inProcess?: boolean; cli?: boolean; workDir?: string; fullMax?: number; cliRuns?: number }): Promise<ScaleReport> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s));
  const work = opts.workDir ?? BENCH_WORK;
  mkdirSync(work, { recursive: true });
  const rows: ScaleRow[] = [];
  let profileFile: string | undefined;
  // Full-size pods only up to fullMax nodes: at 5,000 nodes their snapshot text (~10× the
  // 500-node file, ~570 MiB) exceeds V8's longest string, and generating it beside the lean
  // variant exhausts the generator's heap.
  const fullMax = opts.fullMax ?? 500;
  const runs = opts.sizes.flatMap((nodes) => (['full', 'lean'] as const).filter((k) => opts.variants.includes(k) && (k === 'lean' || nodes <= fullMax)).map((kind) => ({ nodes, kind })));
  for (const { nodes, kind } of runs) {
    log(`plan-scale: generating ${nodes} nodes (${kind} pods)...\n`);
    const g0 = performance.now();
    // Planned from an sdrain snapshot file (what `sdrain snapshot` writes: slim, canonical):
    // a full `kubectl get -o json` dump of 150,000 pods exceeds V8's largest string (~512 MiB).
    const objects = generateCluster({ nodes, lean: kind === 'lean' });
    const ksUid = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'kube-system')?.metadata.uid;
    let text: string;
    try {
      text = serializeSnapshot(buildSnapshot(objects, { uid: ksUid }, `cluster-${nodes}`).snapshot);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      log(`plan-scale: ${nodes} nodes with ${kind} pods: the snapshot text exceeds V8's longest string; skipped\n`);
      rows.push({ nodes, objects: kind, pods: objects.filter((o) => o.kind === 'Pod').length, fileMiB: NaN, generateMs: performance.now() - g0, readMs: NaN, parseMs: NaN, loadMs: NaN, planMs: NaN, planToParse: NaN, totalToParse: NaN, childMaxRssMiB: NaN, movedPods: 0, waves: 0, liveNote: 'snapshot larger than the longest JS string (~512 MiB): not writable or readable whole' });
      continue;
    } finally {
      objects.length = 0;
    }
    const generateMs = performance.now() - g0;
    const file = join(work, `cluster-${nodes}-${kind}.json`);
    const specFile = join(work, `maint-${nodes}.yaml`);
    const tag = `${nodes}-${kind}`;
    writeFileSync(file, text);
    writeFileSync(specFile, scaleMaintenanceYaml(nodes, Math.min(opts.drain, nodes)));
    const fileMiB = Buffer.byteLength(text) / 1024 / 1024;
    // The simulator reads `kubectl get -o json` Lists: the same slim objects as one.
    const listFile = join(work, `cluster-${tag}.list.json`);
    if (opts.live.includes(nodes) && kind === 'lean') writeFileSync(listFile, listJson((JSON.parse(text) as { items: KubeObject[] }).items));
    // Nothing large stays in this process while the measured ones run: a collector sweeping
    // gigabytes here would take a core from them (run with --expose-gc to collect it now).
    text = '';
    (globalThis as { gc?: () => void }).gc?.();

    const profDir = join(work, 'prof');
    const largest = nodes === Math.max(...opts.sizes) && kind === 'lean';
    let c: PlanMeasurement;
    if (opts.inProcess) {
      // Smoke runs: no fresh process, so peak memory includes the caller's.
      c = measurePlan(file, specFile);
    } else {
      log(`plan-scale: ${nodes} nodes in a fresh process...\n`);
      const child = await runProcess(process.execPath, ['--max-old-space-size=4096', join(BENCH_BUILD, 'plan-scale-child.js'), file, specFile], { cwd: REPO_ROOT, timeoutMs: 600_000 });
      if (child.code !== 0) throw new Error(`plan-scale-child failed for ${nodes} nodes: ${child.stderr.slice(-3000)}`);
      c = JSON.parse(child.stdout.trim().split('\n').pop()!) as PlanMeasurement;
      if (opts.profile && largest) {
        // A separate run under the profiler, so the timings above carry no profiling overhead.
        log(`plan-scale: ${nodes} nodes again under --cpu-prof...\n`);
        rmSync(profDir, { recursive: true, force: true });
        const prof = await runProcess(process.execPath, ['--max-old-space-size=4096', '--cpu-prof', '--cpu-prof-dir', profDir, join(BENCH_BUILD, 'plan-scale-child.js'), file, specFile], { cwd: REPO_ROOT, timeoutMs: 600_000 });
        if (prof.code === 0) profileFile = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f))[0];
      }
    }
    const row: ScaleRow = {
      nodes,
      objects: kind,
      pods: c.pods,
      fileMiB,
      generateMs,
      readMs: c.readMs,
      parseMs: c.parseMs,
      loadMs: c.loadMs,
      planMs: c.planMs,
      planToParse: c.planMs / c.parseMs,
      totalToParse: (c.loadMs + c.planMs) / c.parseMs,
      childMaxRssMiB: c.maxRssMiB,
      movedPods: c.movedPods,
      waves: c.waves,
    };
    if (opts.cli !== false) {
    log(`plan-scale: ${nodes} nodes through the CLI (snapshot)...\n`);
    const out = join(work, `plan-${tag}.json`);
    // Several runs (the machine's speed varies by ±15 % between runs): the median is reported.
    const walls: number[] = [];
    for (let run = 0; run < Math.max(1, opts.cliRuns ?? 1); run++) {
      const cli = await runProcess(process.execPath, ['--max-old-space-size=4096', SDRAIN_BIN, 'plan', '-f', specFile, '--snapshot', file, '--out', out, '-o', 'json'], { cwd: REPO_ROOT, measure: true, timeoutMs: 600_000, env: { ...process.env, NO_COLOR: '1' } });
      if (cli.code !== 0 && cli.code !== 2) throw new Error(`sdrain plan failed for ${nodes} nodes (exit ${cli.code}): ${cli.stderr.slice(-3000)}`);
      walls.push(cli.wallMs);
      row.cliSnapshotRssMiB = Math.max(row.cliSnapshotRssMiB ?? 0, cli.maxRssMiB ?? 0);
    }
    walls.sort((a, b) => a - b);
    row.cliSnapshotMs = walls.length % 2 === 1 ? walls[(walls.length - 1) / 2]! : (walls[walls.length / 2 - 1]! + walls[walls.length / 2]!) / 2;
    row.cliSnapshotRangeMs = [walls[0]!, walls[walls.length - 1]!];
    }
    if (opts.live.includes(nodes) && kind === 'lean') {
      log(`plan-scale: ${nodes} nodes live (loading sdrain sim)...\n`);
      const kubeconfig = join(work, `kubeconfig-${tag}`);
      try {
        const sim = await startSimProcess(['--from', listFile, '--kubeconfig-out', kubeconfig], { nodeArgs: ['--max-old-space-size=6144'], timeoutMs: opts.liveTimeoutMs ?? 600_000 });
        try {
          row.simLoadMs = sim.readyMs;
          const live = await runProcess(process.execPath, ['--max-old-space-size=4096', SDRAIN_BIN, 'plan', '-f', specFile, '--kubeconfig', kubeconfig, '--out', join(work, `plan-live-${tag}.json`), '-o', 'json'], { cwd: REPO_ROOT, measure: true, timeoutMs: 600_000, env: { ...process.env, NO_COLOR: '1' } });
          if (live.code !== 0 && live.code !== 2) row.liveNote = `sdrain plan exited ${live.code}: ${live.stderr.trim().split('\n').slice(-2).join(' ')}`;
          row.cliLiveMs = live.wallMs;
          row.cliLiveRssMiB = live.maxRssMiB;
        } finally {
          await sim.stop();
        }
      } catch (e) {
        row.liveNote = (e as Error).message.split('\n')[0];
      }
    }
    rows.push(row);
    log(`plan-scale: ${nodes} nodes (${kind}): load ${fmt(row.loadMs, 0)} ms, plan ${fmt(row.planMs, 0)} ms, peak ${fmt(row.childMaxRssMiB, 0)} MiB\n`);
  }
  return { rows, ...(profileFile ? { hotSpots: hotSpots(profileFile, REPO_ROOT) } : {}) };
}

export function planScaleMarkdown(r: ScaleReport): string {
  let md = markdownTable(
    ['nodes', 'pods', 'objects', 'file MiB', 'read ms', 'bare JSON.parse ms', 'load snapshot ms', 'plan ms', 'plan ÷ parse', '(load+plan) ÷ parse', 'peak RSS MiB (in process)', 'CLI from file s (median)', 'CLI range s', 'CLI peak RSS MiB', 'sim load s', 'CLI live s', 'CLI live peak RSS MiB'],
    r.rows.map((x) => [
      x.nodes,
      x.pods,
      x.objects,
      fmt(x.fileMiB, 0),
      fmt(x.readMs, 0),
      fmt(x.parseMs, 0),
      fmt(x.loadMs, 0),
      fmt(x.planMs, 0),
      fmt(x.planToParse, 2),
      fmt(x.totalToParse, 2),
      fmt(x.childMaxRssMiB, 0),
      fmt(x.cliSnapshotMs !== undefined ? x.cliSnapshotMs / 1000 : undefined, 1),
      x.cliSnapshotRangeMs ? `${fmt(x.cliSnapshotRangeMs[0] / 1000, 1)}–${fmt(x.cliSnapshotRangeMs[1] / 1000, 1)}` : '—',
      fmt(x.cliSnapshotRssMiB, 0),
      x.liveNote && x.simLoadMs === undefined && !Number.isNaN(x.planMs) ? x.liveNote : fmt(x.simLoadMs !== undefined ? x.simLoadMs / 1000 : undefined, 1),
      fmt(x.cliLiveMs !== undefined ? x.cliLiveMs / 1000 : undefined, 1),
      fmt(x.cliLiveRssMiB, 0),
    ]),
  );
  for (const x of r.rows.filter((x) => Number.isNaN(x.planMs))) md += `\n${x.nodes} nodes with ${x.objects} pods (${x.pods} pods): ${x.liveNote}.\n`;
  if (r.hotSpots) {
    md += `\nHot spots (self time, largest size, in-process run):\n\n`;
    md += markdownTable(['function', 'where', 'self ms', 'share'], r.hotSpots.map((h) => [h.fn, h.where, fmt(h.selfMs, 0), `${fmt(h.share * 100, 1)}%`]));
  }
  return md;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const report = await runPlanScale({
    sizes: intList(option(argv, '--sizes') ?? '50,500,5000'),
    live: intList(option(argv, '--live') ?? '50,500'),
    drain: Number(option(argv, '--drain') ?? '20'),
    variants: (option(argv, '--objects') ?? 'full,lean').split(',') as ('full' | 'lean')[],
    fullMax: Number(option(argv, '--full-max') ?? '500'),
    profile: flag(argv, '--profile'),
    cliRuns: Number(option(argv, '--cli-runs') ?? '5'),
  });
  const json = option(argv, '--json') ?? join(BENCH_WORK, 'results', 'plan-scale.json');
  mkdirSync(join(json, '..'), { recursive: true });
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`## Plan scale\n\n${planScaleMarkdown(report)}\nRaw: ${json}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
