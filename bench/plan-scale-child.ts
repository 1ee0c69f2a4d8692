/**
 * One plan-scale measurement in a fresh process (so peak memory is this run's alone):
 * read the file, bare JSON.parse, load it as a snapshot (parse + build), plan. Prints one JSON
 * line of timings (ms) and memory (MiB) on stdout. Usage:
 *   node .cache/bench-build/bench/plan-scale-child.js CLUSTER.json MAINT.yaml
 */
import { readFileSync } from 'node:fs';
import { loadSnapshotText } from '../src/snapshot/snapshot-file.js';
import { parseSpec } from '../src/spec/parse-spec.js';
import { plan } from '../src/plan/plan.js';

const MiB = 1024 * 1024;

export interface PlanMeasurement {
  pods: number;
  nodes: number;
  readMs: number;
  parseMs: number;
  loadMs: number;
  planMs: number;
  waves: number;
  movedPods: number;
  findings: number;
  heapUsedMiB: number;
  /** Peak RSS of this process so far. */
  maxRssMiB: number;
}

/**
 * The baseline: JSON.parse of the file, result dropped. A function of its own so that CPU
 * profiles name it instead of counting it as measurePlan's self time.
 */
function bareJsonParse(text: string): void {
  JSON.parse(text);
}

/** Reads, parses, loads and plans; the phases timed apart. */
export function measurePlan(file: string, specFile: string): PlanMeasurement {
  const spec = parseSpec(readFileSync(specFile, 'utf8'), specFile);
  const t0 = performance.now();
  const text = readFileSync(file, 'utf8');
  const t1 = performance.now();
  bareJsonParse(text);
  const t2 = performance.now();
  const { snapshot } = loadSnapshotText(text, file);
  const t3 = performance.now();
  const p = plan(spec, snapshot, { toolVersion: 'bench' });
  const t4 = performance.now();
  const moved = p.waves.reduce((n, w) => n + w.actions.reduce((m, a) => m + a.pods.length, 0), 0);
  return {
    pods: snapshot.pods.length,
    nodes: snapshot.nodes.length,
    readMs: t1 - t0,
    parseMs: t2 - t1,
    loadMs: t3 - t2,
    planMs: t4 - t3,
    waves: p.waves.length,
    movedPods: moved,
    findings: p.findings.length,
    heapUsedMiB: process.memoryUsage().heapUsed / MiB,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [file, specFile] = process.argv.slice(2);
  if (!file || !specFile) throw new Error('usage: plan-scale-child CLUSTER.json MAINT.yaml');
  process.stdout.write(`${JSON.stringify(measurePlan(file, specFile))}\n`);
}
