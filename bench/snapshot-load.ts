/**
 * Snapshot loading at scale: generated clusters (bench/generate-cluster.ts) written as
 *   - "snapshot": an sdrain snapshot file (lean pods, what `sdrain snapshot` writes), and
 *   - "snapshot-full": the same with full pods (at 5,000 nodes > 512 MiB: written in chunks),
 *   - "kubectl-json": a full `kubectl get -A -o json` List (full pods, kubectl's 4-space
 *     indentation) — at 5,000 nodes larger than the longest string V8 can hold (~512 MiB),
 * then, each in a fresh process (so peak RSS is that step's alone): the bare
 * `readFileSync` + `JSON.parse` of the same bytes (where they fit in one string) and the
 * streaming load (`loadSnapshotStream`, what `sdrain plan --snapshot` does). Usage:
 *   node --max-old-space-size=6144 .cache/bench-build/bench/snapshot-load.js [--sizes 50,500,5000] [--forms snapshot,kubectl-json] [--keep]
 */
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as bufferConstants } from 'node:buffer';
import type { KubeObject } from '../src/model/k8s.js';
import { buildSnapshot } from '../src/snapshot/build-snapshot.js';
import { loadSnapshotStream, snapshotTextChunks } from '../src/snapshot/snapshot-file.js';
import { generateCluster } from './generate-cluster.js';
import { flag, intList, option } from './lib/args.js';
import { BENCH_WORK } from './lib/bench-paths.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { runProcess } from './lib/run-process.js';

const MiB = 1024 * 1024;
export type LoadForm = 'snapshot' | 'snapshot-full' | 'kubectl-json';

export interface LoadRow {
  nodes: number;
  pods: number;
  form: LoadForm;
  fileMiB: number;
  writeMs: number;
  /** readFileSync + JSON.parse of the whole file; NaN when it does not fit in a string. */
  parseMs: number;
  parseCpuMs: number;
  parseRssMiB: number;
  /** loadSnapshotStream: parse, check and build the snapshot. */
  loadMs: number;
  loadCpuMs: number;
  loadRssMiB: number;
  objects: number;
}

/** Writes chunks to a file with back-pressure. */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
}

/** Indents a JSON.stringify(…, null, 4) text by `pad` (kubectl's layout for list items). */
function indent(text: string, pad: string): string {
  return pad + text.replace(/\n/g, `\n${pad}`);
}

/**
 * The objects as `kubectl get -A -o json` prints them: a List, 4-space indentation, items
 * carrying kind and apiVersion, in chunks so the text may exceed one string's length.
 */
export function* kubectlListChunks(objects: KubeObject[]): Generator<string> {
  let chunk = '{\n    "apiVersion": "v1",\n    "items": [\n';
  for (let i = 0; i < objects.length; i++) {
    chunk += indent(JSON.stringify(objects[i], null, 4), '        ') + (i < objects.length - 1 ? ',\n' : '\n');
    if (chunk.length > MiB) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`;
}

/** Writes the file for one size and form; returns its path and the pod count. */
export async function writeClusterFile(nodes: number, form: LoadForm, dir: string): Promise<{ file: string; pods: number; writeMs: number }> {
  const t0 = performance.now();
  const file = join(dir, `cluster-${nodes}-${form}.json`);
  if (form === 'snapshot' || form === 'snapshot-full') {
    const objects = generateCluster({ nodes, lean: form === 'snapshot' });
    const ksUid = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'kube-system')?.metadata.uid;
    const { snapshot } = buildSnapshot(objects, { uid: ksUid }, `cluster-${nodes}`);
    await writeChunks(file, snapshotTextChunks(snapshot));
    return { file, pods: snapshot.pods.length, writeMs: performance.now() - t0 };
  }
  const objects = generateCluster({ nodes });
  await writeChunks(file, kubectlListChunks(objects));
  return { file, pods: objects.filter((o) => o.kind === 'Pod').length, writeMs: performance.now() - t0 };
}

export interface StepResult {
  ms: number;
  /** CPU time (user + system) of the step: steadier than wall time on a shared machine. */
  cpuMs: number;
  objects: number;
  maxRssMiB: number;
}

/** readFileSync + JSON.parse; undefined when the file cannot be one string. */
export function bareParse(file: string): StepResult | undefined {
  if (statSync(file).size > bufferConstants.MAX_STRING_LENGTH) return undefined;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { items: unknown[] };
  const ms = performance.now() - t0;
  return { ms, cpuMs: cpuMsSince(c0), objects: doc.items.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** What `sdrain plan --snapshot` does to read the file. */
export async function streamLoad(file: string): Promise<StepResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const open = () => createReadStream(file, { highWaterMark: MiB });
  const { snapshot } = await loadSnapshotStream(open(), file, { reopen: open });
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(c0);
  const objects = Object.values(snapshot).reduce((n: number, v) => n + (Array.isArray(v) ? v.length : 0), 0);
  return { ms, cpuMs, objects, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

async function step(mode: 'parse' | 'load', file: string, inProcess: boolean): Promise<StepResult | undefined> {
  if (inProcess) return mode === 'parse' ? bareParse(file) : streamLoad(file);
  const r = await runProcess(process.execPath, ['--max-old-space-size=6144', fileURLToPath(import.meta.url), '--child', mode, file], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`${mode} ${file} failed: ${r.stderr.slice(-2000)}`);
  const out = r.stdout.trim();
  return out === 'null' ? undefined : (JSON.parse(out) as StepResult);
}

export async function runSnapshotLoad(opts: { sizes: number[]; forms: LoadForm[]; workDir?: string; keep?: boolean; inProcess?: boolean; log?: (s: string) => void }): Promise<LoadRow[]> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = opts.workDir ?? join(BENCH_WORK, 'snapshot-load');
  mkdirSync(dir, { recursive: true });
  const rows: LoadRow[] = [];
  for (const nodes of opts.sizes) {
    for (const form of opts.forms) {
      log(`snapshot-load: ${nodes} nodes, ${form}: writing`);
      const { file, pods, writeMs } = await writeClusterFile(nodes, form, dir);
      const fileMiB = statSync(file).size / MiB;
      log(`snapshot-load: ${nodes} nodes, ${form}: ${fileMiB.toFixed(0)} MiB; bare parse`);
      const parse = await step('parse', file, opts.inProcess === true);
      log(`snapshot-load: ${nodes} nodes, ${form}: streaming load`);
      const load = (await step('load', file, opts.inProcess === true))!;
      rows.push({ nodes, pods, form, fileMiB, writeMs, parseMs: parse?.ms ?? NaN, parseCpuMs: parse?.cpuMs ?? NaN, parseRssMiB: parse?.maxRssMiB ?? NaN, loadMs: load.ms, loadCpuMs: load.cpuMs, loadRssMiB: load.maxRssMiB, objects: load.objects });
      if (!opts.keep) rmSync(file, { force: true });
    }
  }
  return rows;
}

export function snapshotLoadMarkdown(rows: LoadRow[]): string {
  return markdownTable(
    ['nodes', 'pods', 'file', 'file MiB', 'bare read+JSON.parse ms (CPU ms)', 'parse peak RSS MiB', 'streaming load ms (CPU ms)', 'load peak RSS MiB', 'load ÷ parse (CPU)'],
    rows.map((r) => [
      r.nodes,
      r.pods,
      r.form,
      fmt(r.fileMiB, 0),
      Number.isNaN(r.parseMs) ? 'does not fit in a string' : `${fmt(r.parseMs, 0)} (${fmt(r.parseCpuMs, 0)})`,
      fmt(r.parseRssMiB, 0),
      `${fmt(r.loadMs, 0)} (${fmt(r.loadCpuMs, 0)})`,
      fmt(r.loadRssMiB, 0),
      `${fmt(r.loadMs / r.parseMs, 2)} (${fmt(r.loadCpuMs / r.parseCpuMs, 2)})`,
    ]),
  );
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const argv = process.argv.slice(2);
  const child = option(argv, '--child');
  if (child === 'parse' || child === 'load') {
    const file = argv[argv.indexOf('--child') + 2]!;
    const r = child === 'parse' ? bareParse(file) : await streamLoad(file);
    process.stdout.write(`${JSON.stringify(r ?? null)}\n`);
  } else {
    const rows = await runSnapshotLoad({
      sizes: intList(option(argv, '--sizes') ?? '50,500,5000'),
      forms: (option(argv, '--forms') ?? 'snapshot,kubectl-json').split(',') as LoadForm[],
      keep: flag(argv, '--keep'),
    });
    process.stdout.write(snapshotLoadMarkdown(rows));
  }
}
