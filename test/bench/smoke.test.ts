/**
 * Smoke run of the benchmarks at tiny sizes: they run end to end and produce sane numbers.
 * No timing assertions — performance goals are measured by `npm run bench` (bench/RESULTS.md).
 * The drain comparison runs the CLI binary, so it needs `npx tsc -p tsconfig.build.json`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCluster } from '../../bench/generate-cluster.js';
import { runPlanScale, planScaleMarkdown } from '../../bench/plan-scale.js';
import { runAvailability, availabilityMarkdown } from '../../bench/availability.js';
import { lowerBoundMs } from '../../bench/drain-compare.js';
import { seedScenario } from '../../bench/drain-scenarios.js';
import { summarise } from '../../bench/lib/ready-observer.js';
import { requireBuiltCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sdrain-bench-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = () => undefined;

describe('bench smoke', () => {
  it('generates the same cluster twice, with the requested pods per node', () => {
    const a = generateCluster({ nodes: 6 });
    const b = generateCluster({ nodes: 6 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const pods = a.filter((o) => o.kind === 'Pod');
    expect(pods).toHaveLength(6 * 30);
    expect(a.filter((o) => o.kind === 'Node')).toHaveLength(6);
    expect(a.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
    expect(a.some((o) => o.kind === 'StatefulSet')).toBe(true);
    const lean = generateCluster({ nodes: 6, lean: true }).filter((o) => o.kind === 'Pod');
    expect(JSON.stringify(lean).length).toBeLessThan(JSON.stringify(pods).length * 0.75);
  });

  it('summarises a ready timeline: lowest count and time below a floor', () => {
    const points: [number, number][] = [[0, 3], [1000, 2], [2500, 1], [3000, 3]];
    expect(summarise(points, 3, 5000)).toEqual({ min: 1, msBelow: 2000 });
    expect(summarise(points, 2, 5000)).toEqual({ min: 1, msBelow: 500 });
    expect(summarise(points, 1, 2000)).toEqual({ min: 2, msBelow: 0 });
  });

  it('plans generated clusters from a snapshot file and reports each phase', async () => {
    requireBuiltCli();
    const report = await runPlanScale({ sizes: [6, 12], variants: ['full'], live: [], drain: 2, profile: false, inProcess: true, cli: true, workDir: work, log: quiet });
    expect(report.rows.map((r) => [r.nodes, r.pods])).toEqual([[6, 180], [12, 360]]);
    for (const r of report.rows) {
      expect(r.parseMs).toBeGreaterThan(0);
      expect(r.planMs).toBeGreaterThan(0);
      expect(r.movedPods).toBeGreaterThan(0);
      expect(r.waves).toBe(1);
      expect(r.childMaxRssMiB).toBeGreaterThan(10);
      expect(r.cliSnapshotMs).toBeGreaterThan(0);
    }
    expect(planScaleMarkdown(report)).toContain('| 12 | 360 | full |');
  });

  it('drains the seed article with sdrain and kubectl drain, observed from the store', async () => {
    requireBuiltCli();
    const report = await runAvailability([seedScenario(0.2)], quiet);
    expect(report.failures).toEqual([]);
    const [row] = report.rows;
    expect(row?.replicas).toBe(3);
    expect(row?.floor).toBe(3);
    // sdrain surges nginx: it never drops below its 3 replicas; kubectl drain evicts both pods on
    // the node at once, so it does.
    expect(row?.sdrainMin).toBe(3);
    expect(row?.kubectlMin).toBeLessThan(3);
    expect(report.goalMet).toBe(true);
    const sd = report.runs.find((r) => r.tool === 'sdrain')!;
    expect(sd.requests).toBeGreaterThan(0);
    expect(sd.applyMs).toBeGreaterThan(0);
    const bound = lowerBoundMs(sd.plan!, () => 1000);
    expect(bound).toBe(2000); // one wave, surge: start-up (1 s) + termination (1 s)
    expect(availabilityMarkdown(report)).toContain('seed-article');
  }, 60_000);
});
