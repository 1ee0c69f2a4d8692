/**
 * Offline planning against its floor (issue 14): a generated cluster written as the object dump
 * `kubectl get nodes,pods,deployments,replicasets,statefulsets,daemonsets,pdb,pvc,pv,hpa -A -o json`
 * prints (a List, items grouped by resource in that order), then, alternating, each in a fresh
 * process as a user runs them (no extra node flags):
 *
 *   floor: node -e "JSON.parse(fs.readFileSync(F,'utf8'))" F
 *   plan:  node bin/sdrain.js plan --snapshot F -f maint.yaml --out P
 *
 * Wall time, CPU time (user + system) and peak RSS come from /usr/bin/time -v; the medians and
 * their ratio are reported (the machine is shared, so CPU time and alternation matter). The
 * plan file's sha256 is printed so a change can be checked to leave plans byte-identical.
 *
 *   node .cache/bench-build/bench/offline-floor.js [--cases 1000:kubectl:full,5000:compact:lean] [--runs 3] [--drain 20] [--reuse] [--profile] [--baseline DIR] [--json FILE]
 *
 * --baseline DIR: also runs DIR/bin/sdrain.js (another build of sdrain, e.g. an older commit
 * checked out and built there) in the same alternation, for a before/after on the same load.
 *
 * A case is NODES:FORM:PODS — FORM `kubectl` (kubectl's 4-space indentation) or `compact` (one
 * line, as `kubectl get -o json | jq -c` or the API's own body); PODS `full` (what kubectl shows)
 * or `lean` (GenerateOptions.lean). The floor needs the file to fit in one string (~512 MiB);
 * larger files are planned (the streaming path) with the floor reported as not measurable.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import type { KubeObject } from '../src/model/k8s.js';
import { generateCluster, scaleMaintenanceYaml } from './generate-cluster.js';
import { flag, option } from './lib/args.js';
import { BENCH_WORK, REPO_ROOT, SDRAIN_BIN } from './lib/bench-paths.js';
import { hotSpots, type HotSpot } from './lib/cpu-profile.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { runProcess, type ProcessResult } from './lib/run-process.js';

const MiB = 1024 * 1024;
export type DumpForm = 'kubectl' | 'compact';
export type PodSize = 'full' | 'lean';

export interface FloorCase {
  nodes: number;
  form: DumpForm;
  pods: PodSize;
}

/** The resource order of the kubectl command above (kubectl prints each resource's items in turn). */
const KIND_ORDER = ['Node', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'PodDisruptionBudget', 'PersistentVolumeClaim', 'PersistentVolume', 'HorizontalPodAutoscaler'];

/** The generated cluster as that command returns it: only the kinds it names, in its order. */
export function dumpObjects(nodes: number, pods: PodSize): KubeObject[] {
  const objects = generateCluster({ nodes, lean: pods === 'lean' });
  const byKind = new Map<string, KubeObject[]>(KIND_ORDER.map((k) => [k, []]));
  for (const o of objects) byKind.get(o.kind)?.push(o);
  objects.length = 0;
  return KIND_ORDER.flatMap((k) => byKind.get(k)!);
}

/** The dump's text in chunks (it may be longer than one string): kubectl's layout or one line. */
export function* dumpChunks(objects: KubeObject[], form: DumpForm): Generator<string> {
  const kubectl = form === 'kubectl';
  let chunk = kubectl ? '{\n    "apiVersion": "v1",\n    "items": [\n' : '{"apiVersion":"v1","items":[';
  for (let i = 0; i < objects.length; i++) {
    const sep = i < objects.length - 1 ? ',' : '';
    chunk += kubectl ? `        ${JSON.stringify(objects[i], null, 4).replace(/\n/g, '\n        ')}${sep}\n` : JSON.stringify(objects[i]) + sep;
    if (chunk.length > MiB) {
      yield chunk;
      chunk = '';
    }
  }
  yield kubectl ? `${chunk}    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n` : `${chunk}],"kind":"List","metadata":{"resourceVersion":""}}\n`;
}

async function writeDump(file: string, c: FloorCase): Promise<number> {
  const objects = dumpObjects(c.nodes, c.pods);
  const pods = objects.filter((o) => o.kind === 'Pod').length;
  const out = createWriteStream(file);
  for (const chunk of dumpChunks(objects, c.form)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
  return pods;
}

export interface Run {
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

export interface FloorRow extends FloorCase {
  podCount: number;
  fileMiB: number;
  /** Undefined when the file does not fit in one string (the floor cannot be taken). */
  floor?: Run[];
  plan: Run[];
  planSha256: string;
  /** The --baseline build's runs and plan digest, when given. */
  baseline?: Run[];
  baselineSha256?: string;
  loadBefore: number[];
  loadAfter: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function toRun(r: ProcessResult, what: string): Run {
  if (r.code !== 0 && r.code !== 2) throw new Error(`${what} exited ${r.code}: ${r.stderr.slice(-3000)}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs ?? NaN, maxRssMiB: r.maxRssMiB ?? NaN };
}

const FLOOR_SCRIPT = "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))";

export async function runOfflineFloor(opts: { cases: FloorCase[]; runs: number; drain: number; reuse?: boolean; profile?: boolean; baseline?: string; workDir?: string; log?: (s: string) => void }): Promise<{ rows: FloorRow[]; hotSpots?: HotSpot[] }> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = opts.workDir ?? join(BENCH_WORK, 'offline-floor');
  mkdirSync(dir, { recursive: true });
  const rows: FloorRow[] = [];
  let profile: HotSpot[] | undefined;
  for (const c of opts.cases) {
    const tag = `${c.nodes}-${c.form}-${c.pods}`;
    const file = join(dir, `dump-${tag}.json`);
    const spec = join(dir, `maint-${c.nodes}.yaml`);
    const out = join(dir, `plan-${tag}.json`);
    writeFileSync(spec, scaleMaintenanceYaml(c.nodes, Math.min(opts.drain, c.nodes)));
    const countFile = `${file}.pods`;
    let podCount: number;
    if (opts.reuse && existsSync(file) && existsSync(countFile)) podCount = Number(readFileSync(countFile, 'utf8'));
    else {
      log(`offline-floor: writing ${tag}...`);
      podCount = await writeDump(file, c);
      writeFileSync(countFile, String(podCount));
    }
    const size = statSync(file).size;
    const fits = size <= bufferConstants.MAX_STRING_LENGTH;
    const row: FloorRow = { ...c, podCount, fileMiB: size / MiB, ...(fits ? { floor: [] } : {}), plan: [], planSha256: '', ...(opts.baseline ? { baseline: [] } : {}), loadBefore: loadavg(), loadAfter: [] };
    const baseOut = join(dir, `plan-${tag}.baseline.json`);
    for (let i = 0; i < opts.runs; i++) {
      if (row.floor) {
        log(`offline-floor: ${tag}: floor run ${i + 1}`);
        row.floor.push(toRun(await runProcess(process.execPath, ['-e', FLOOR_SCRIPT, file], { cwd: REPO_ROOT, measure: true, timeoutMs: 600_000 }), 'the bare JSON.parse'));
      }
      log(`offline-floor: ${tag}: plan run ${i + 1}`);
      rmSync(out, { force: true });
      row.plan.push(toRun(await runProcess(process.execPath, [SDRAIN_BIN, 'plan', '--snapshot', file, '-f', spec, '--out', out], { cwd: REPO_ROOT, measure: true, timeoutMs: 900_000, env: { ...process.env, NO_COLOR: '1' } }), 'sdrain plan'));
      if (opts.baseline) {
        log(`offline-floor: ${tag}: baseline plan run ${i + 1}`);
        rmSync(baseOut, { force: true });
        row.baseline!.push(toRun(await runProcess(process.execPath, [join(opts.baseline, 'bin', 'sdrain.js'), 'plan', '--snapshot', file, '-f', spec, '--out', baseOut], { cwd: REPO_ROOT, measure: true, timeoutMs: 900_000, env: { ...process.env, NO_COLOR: '1' } }), 'baseline sdrain plan'));
      }
    }
    row.planSha256 = createHash('sha256').update(readFileSync(out)).digest('hex');
    if (opts.baseline) row.baselineSha256 = createHash('sha256').update(readFileSync(baseOut)).digest('hex');
    row.loadAfter = loadavg();
    rows.push(row);
    if (opts.profile && c === opts.cases[opts.cases.length - 1]) {
      log(`offline-floor: ${tag}: once more under --cpu-prof...`);
      const profDir = join(dir, 'prof');
      rmSync(profDir, { recursive: true, force: true });
      await runProcess(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, SDRAIN_BIN, 'plan', '--snapshot', file, '-f', spec, '--out', out], { cwd: REPO_ROOT, timeoutMs: 900_000 });
      const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (prof) profile = hotSpots(join(profDir, prof), REPO_ROOT, 15);
    }
  }
  return { rows, ...(profile ? { hotSpots: profile } : {}) };
}

function runs(xs: number[]): string {
  return xs.map((x) => fmt(x / 1000, 2)).join(', ');
}

export function offlineFloorMarkdown(r: { rows: FloorRow[]; hotSpots?: HotSpot[] }): string {
  let md = markdownTable(
    ['nodes', 'pods', 'dump', 'MiB', 'floor wall s (runs)', 'floor CPU s', 'floor RSS MiB', 'plan wall s (runs)', 'plan CPU s', 'plan RSS MiB', '÷ floor, wall', '÷ floor, CPU', 'load avg before → after', 'plan sha256'],
    r.rows.map((x) => {
      const fw = x.floor && median(x.floor.map((f) => f.wallMs));
      const fc = x.floor && median(x.floor.map((f) => f.cpuMs));
      const pw = median(x.plan.map((p) => p.wallMs));
      const pc = median(x.plan.map((p) => p.cpuMs));
      return [
        x.nodes,
        x.podCount,
        `${x.form}, ${x.pods} pods`,
        fmt(x.fileMiB, 0),
        x.floor ? `**${fmt(fw! / 1000, 2)}** (${runs(x.floor.map((f) => f.wallMs))})` : 'does not fit in a string',
        x.floor ? fmt(fc! / 1000, 2) : '—',
        x.floor ? fmt(Math.max(...x.floor.map((f) => f.maxRssMiB)), 0) : '—',
        `**${fmt(pw / 1000, 2)}** (${runs(x.plan.map((p) => p.wallMs))})`,
        fmt(pc / 1000, 2),
        fmt(Math.max(...x.plan.map((p) => p.maxRssMiB)), 0),
        x.floor ? `**${fmt(pw / fw!, 2)}×**` : '—',
        x.floor ? `${fmt(pc / fc!, 2)}×` : '—',
        `${fmt(x.loadBefore[0], 1)} → ${fmt(x.loadAfter[0], 1)}`,
        `\`${x.planSha256.slice(0, 12)}\``,
      ];
    }),
  );
  const based = r.rows.filter((x) => x.baseline);
  if (based.length > 0) {
    md += `\nThe --baseline build in the same alternation:\n\n`;
    md += markdownTable(
      ['nodes', 'dump', 'baseline wall s (runs)', 'baseline CPU s', 'baseline RSS MiB', 'baseline ÷ floor, wall', 'baseline ÷ floor, CPU', 'plans identical'],
      based.map((x) => {
        const bw = median(x.baseline!.map((b) => b.wallMs));
        const bc = median(x.baseline!.map((b) => b.cpuMs));
        const fw = x.floor && median(x.floor.map((f) => f.wallMs));
        const fc = x.floor && median(x.floor.map((f) => f.cpuMs));
        return [
          x.nodes,
          `${x.form}, ${x.pods} pods`,
          `**${fmt(bw / 1000, 2)}** (${runs(x.baseline!.map((b) => b.wallMs))})`,
          fmt(bc / 1000, 2),
          fmt(Math.max(...x.baseline!.map((b) => b.maxRssMiB)), 0),
          x.floor ? `${fmt(bw / fw!, 2)}×` : '—',
          x.floor ? `${fmt(bc / fc!, 2)}×` : '—',
          x.baselineSha256 === x.planSha256 ? 'yes' : `**no** (\`${x.baselineSha256!.slice(0, 12)}\`)`,
        ];
      }),
    );
  }
  if (r.hotSpots) {
    md += `\nHot spots of the last case's plan (self time, one run under --cpu-prof):\n\n`;
    md += markdownTable(['function', 'where', 'self ms', 'share'], r.hotSpots.map((h) => [h.fn, h.where, fmt(h.selfMs, 0), `${fmt(h.share * 100, 1)}%`]));
  }
  return md;
}

export function parseCases(s: string): FloorCase[] {
  return s.split(',').filter(Boolean).map((c) => {
    const [n, form = 'kubectl', pods = 'full'] = c.split(':');
    const nodes = Number(n);
    if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--cases: not a node count: "${c}"`);
    if (form !== 'kubectl' && form !== 'compact') throw new Error(`--cases: form must be kubectl or compact: "${c}"`);
    if (pods !== 'full' && pods !== 'lean') throw new Error(`--cases: pods must be full or lean: "${c}"`);
    return { nodes, form, pods };
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const argv = process.argv.slice(2);
  const report = await runOfflineFloor({
    cases: parseCases(option(argv, '--cases') ?? '1000:kubectl:full,5000:compact:lean'),
    runs: Number(option(argv, '--runs') ?? '3'),
    drain: Number(option(argv, '--drain') ?? '20'),
    reuse: flag(argv, '--reuse'),
    profile: flag(argv, '--profile'),
    baseline: option(argv, '--baseline'),
  });
  const json = option(argv, '--json') ?? join(BENCH_WORK, 'results', 'offline-floor.json');
  mkdirSync(join(json, '..'), { recursive: true });
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`## Offline planning against the bare parse\n\n${offlineFloorMarkdown(report)}\nRaw: ${json}\n`);
}
