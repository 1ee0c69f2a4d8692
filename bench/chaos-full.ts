/**
 * The full chaos run (`npm run chaos`): the seed article and a larger generated cluster (8
 * nodes, 2 drained, 10 Deployments with PDBs) applied under seeded faults for many seeds; every
 * run is checked by the store observer of test/chaos/chaos-run.ts. Writes the totals to
 * bench/CHAOS-RESULTS.md. Runs under vitest (bench/chaos.config.ts) because the repo has no
 * TypeScript runner; CHAOS_SEEDS=n sets the number of seeds per cluster (default 10).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/model/k8s.js';
import { chaosFaults, runChaos, type ChaosRunReport } from '../test/chaos/chaos-run.js';
import { SEED, seedSpec } from '../test/apply/apply-harness.js';
import { REPO_ROOT } from '../test/helpers/cli.js';
import { deploymentObjects, listJson, namespaceObject, nodeObject, pdbObject } from './lib/cluster-objects.js';

const SEEDS = Number(process.env.CHAOS_SEEDS ?? 10);

/** 8 nodes in 2 zones; 10 Deployments of 3–5 replicas spread round-robin, each with a PDB. */
function largerCluster(): string {
  const nodes = Array.from({ length: 8 }, (_, i) => ({ name: `node-${i + 1}`, index: i + 1, zone: i % 2 ? 'eu-west-1b' : 'eu-west-1a', cpu: '16', memory: '64Gi' }));
  const objects: KubeObject[] = [namespaceObject('default'), namespaceObject('kube-system'), namespaceObject('shop'), ...nodes.map(nodeObject)];
  let slot = 0;
  for (let d = 0; d < 10; d++) {
    const replicas = 3 + (d % 3);
    const app = `app-${d + 1}`;
    const placement = Array.from({ length: replicas }, () => {
      const n = nodes[slot++ % nodes.length]!;
      return { node: n.name, nodeIndex: n.index };
    });
    objects.push(...deploymentObjects({ namespace: 'shop', name: app, app, cpu: '250m', memory: '256Mi', startupMs: 300 + (d % 4) * 100, placement, strategy: { maxSurge: 1, maxUnavailable: 0 } }));
    objects.push(pdbObject({ namespace: 'shop', name: app, app, replicas, maxUnavailable: 1 }));
  }
  return listJson(objects);
}

const LARGER_SPEC = `apiVersion: sdrain.io/v1alpha1
kind: Maintenance
metadata:
  name: chaos-larger
spec:
  nodes:
    names: [node-1, node-2]
`;

interface Row {
  cluster: string;
  report: ChaosRunReport;
}

function write(rows: Row[], ms: number): void {
  const faults: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.report.faults)) faults[k] = (faults[k] ?? 0) + v;
  const violations = rows.flatMap((r) => r.report.violations.map((v) => `${r.cluster} seed ${r.report.seed}: ${v}`));
  const applyRuns = rows.reduce((n, r) => n + r.report.runs.length, 0);
  const failedRuns = rows.reduce((n, r) => n + r.report.runs.filter((x) => x.status === 'failed').length, 0);
  const text = `# Chaos results

Produced by \`npm run chaos\` (bench/chaos-full.ts; \`CHAOS_SEEDS=${SEEDS}\`). Each scenario is a fresh
simulator with seeded faults (the mix of \`chaosFaults\` in test/chaos/chaos-run.ts: 12 % of all requests
answered 500/503/429, 10 % of patches/updates answered 409, 15 % of writes served but their response
lost (connection reset), 0–30 ms latency, 25 % of watches broken and
15 % ended early, 30 % of resumed watches answered 410 Gone, one 700 ms outage with connections reset).
apply runs through the real HTTP gateway; an observer on the simulator's store (not sdrain) checks that
no workload falls below its plan's floor, that a failed run's summary matches the cluster, and that
re-running apply converges.

Transient faults alone did not make any apply fail here (sdrain's retries and watch re-lists absorb
them), so the failure → re-run path is exercised by test/chaos/scenarios.test.ts (evictions stuck
past the workload timeout; then a re-run converges) and test/apply/interrupt.test.ts.

| | |
|---|---|
| scenarios | ${rows.length} (${SEEDS} seeds × seed article, ${SEEDS} seeds × 8-node / 10-Deployment cluster) |
| apply runs | ${applyRuns} (${failedRuns} ended in a failure and were re-run) |
| converged | ${rows.filter((r) => r.report.converged).length} / ${rows.length} |
| client retries | ${rows.reduce((n, r) => n + r.report.retries, 0)} |
| faults injected | ${Object.entries(faults).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ')} |
| **violations** | **${violations.length}** |
| wall time | ${Math.round(ms / 1000)} s |

${violations.length ? `## Violations\n\n${violations.map((v) => `- ${v}`).join('\n')}\n` : 'No violations.\n'}
## Per scenario

| cluster | seed | runs | faults | retries | violations |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.cluster} | ${r.report.seed} | ${r.report.runs.map((x) => x.status).join(' → ')} | ${Object.values(r.report.faults).reduce((a, b) => a + b, 0)} | ${r.report.retries} | ${r.report.violations.length} |`).join('\n')}
`;
  writeFileSync(join(REPO_ROOT, 'bench/CHAOS-RESULTS.md'), text);
}

describe('chaos (full)', () => {
  it(`runs ${SEEDS} seeds on each cluster with no invariant violated`, async () => {
    const started = Date.now();
    const rows: Row[] = [];
    const seedText = readFileSync(SEED, 'utf8');
    const larger = largerCluster();
    for (let i = 0; i < SEEDS; i++) {
      const seed = 1000 + i;
      rows.push({ cluster: 'seed article', report: await runChaos({ text: seedText, specText: seedSpec(), faults: chaosFaults(seed), podStartupMs: 500 }) });
      rows.push({ cluster: '8 nodes', report: await runChaos({ text: larger, specText: LARGER_SPEC, faults: chaosFaults(seed), podStartupMs: 400, runTimeoutMs: 120_000 }) });
    }
    write(rows, Date.now() - started);
    expect(rows.flatMap((r) => r.report.violations)).toEqual([]);
  });
});
