/**
 * The full chaos run (`npm run chaos`), writing bench/CHAOS-RESULTS.md:
 * - transient faults: the seed article and a larger generated cluster (8 nodes, 2 drained, 10
 *   Deployments with PDBs) applied under the mix of `chaosFaults` for CHAOS_SEEDS seeds each;
 * - scenario faults, each on top of that mix, for CHAOS_SCENARIO_SEEDS seeds: an eviction stuck on
 *   a PDB, surge pods that never become ready (past the workload timeout), someone else scaling the
 *   Deployment mid-apply, nodes going NotReady (the drained one while apply waits after afterEach);
 * - kill points: every point of test/chaos/kill-run.ts (SIGKILL of the `sdrain apply` binary, then
 *   re-runs) under the transient mix.
 * Every run is checked by an observer on the simulator's store (not sdrain). Every fault kind must
 * have been injected at least once, else that is reported as a violation. Runs under vitest
 * (bench/chaos.config.ts) because the repo has no TypeScript runner; needs the built CLI
 * (`npm run build`) for the kill points.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/model/k8s.js';
import type { FaultConfig } from '../src/sim/faults/fault-config.js';
import { chaosFaults, runChaos, type ChaosRunReport } from '../test/chaos/chaos-run.js';
import { KILL_POINTS, runKillPoint, type KillReport } from '../test/chaos/kill-run.js';
import { SEED, seedSpec } from '../test/apply/apply-harness.js';
import { REPO_ROOT } from '../test/helpers/cli.js';
import { deploymentObjects, listJson, namespaceObject, nodeObject, pdbObject } from './lib/cluster-objects.js';

const SEEDS = Number(process.env.CHAOS_SEEDS ?? 10);
const SCENARIO_SEEDS = Number(process.env.CHAOS_SCENARIO_SEEDS ?? 2);
/** Kill points run this many at a time (each its own simulator and CLI processes). */
const KILL_PARALLEL = Number(process.env.CHAOS_KILL_PARALLEL ?? 3);

/** Every kind of fault the simulator injects; each must appear in the totals. */
const FAULT_KINDS = [
  'error-500',
  'error-503',
  'error-429',
  'error-409',
  'response-lost',
  'latency',
  'watch-break',
  'watch-end',
  'watch-gone',
  'unreachable-window',
  'connection-reset',
  'eviction-stuck',
  'never-ready',
  'scale',
  'node-not-ready',
];

interface Scenario {
  name: string;
  specExtra: string;
  scenarios: NonNullable<FaultConfig['scenarios']>;
  podStartupMs: number;
  replanOnDrift?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'eviction stuck on a PDB for 5 s',
    specExtra: '  workloads:\n    deployment: evict\n',
    scenarios: { stuckEvictions: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 5000 }] },
    podStartupMs: 400,
  },
  {
    name: 'surge pods never ready for 9 s (workload timeout 4 s)',
    specExtra: '  timeouts:\n    workload: 4s\n',
    scenarios: { neverReady: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 9000 }] },
    podStartupMs: 400,
  },
  {
    name: 'someone else scales nginx to 4 at 5 s (re-plan after DRIFT)',
    specExtra: '',
    scenarios: { scale: [{ kind: 'Deployment', namespace: 'default', name: 'nginx', atMs: 5000, replicas: 4 }] },
    podStartupMs: 5000,
    replanOnDrift: true,
  },
  {
    name: 'drained node NotReady 1–7 s (afterEach waits), worker-2 NotReady for good',
    specExtra: '  afterEach:\n    command: ["true"]\n    uncordon: false\n',
    scenarios: { nodeNotReady: [{ node: 'worker-1', atMs: 1000, forMs: 6000 }, { node: 'worker-2', atMs: 500 }] },
    podStartupMs: 500,
    // A plan made while worker-1 was NotReady is refused (DRIFT) once it is Ready again: re-plan.
    replanOnDrift: true,
  },
];

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
  scenario: string;
  report: ChaosRunReport;
}

function sumFaults(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of all) for (const [k, v] of Object.entries(f)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function write(rows: Row[], kills: KillReport[], ms: number): string[] {
  const faults = sumFaults([...rows.map((r) => r.report.faults), ...kills.map((k) => k.faults)]);
  const missing = FAULT_KINDS.filter((k) => !faults[k]);
  const violations = [
    ...rows.flatMap((r) => r.report.violations.map((v) => `${r.cluster} / ${r.scenario} / seed ${r.report.seed}: ${v}`)),
    ...kills.flatMap((k) => k.violations.map((v) => `kill ${k.point}: ${v}`)),
    ...missing.map((k) => `fault kind ${k} was never injected`),
  ];
  const applyRuns = rows.reduce((n, r) => n + r.report.runs.length, 0);
  const failedRuns = rows.reduce((n, r) => n + r.report.runs.filter((x) => x.status === 'failed').length, 0);
  const refused = rows.reduce((n, r) => n + r.report.runs.filter((x) => x.status === 'threw').length, 0);
  const killReruns = kills.reduce((n, k) => n + k.reruns.length, 0);
  const byCount = Object.entries(faults).sort(([a], [b]) => (a < b ? -1 : 1));
  const text = `# Chaos results

Produced by \`npm run build && npm run chaos\` (bench/chaos-full.ts; \`CHAOS_SEEDS=${SEEDS}\`,
\`CHAOS_SCENARIO_SEEDS=${SCENARIO_SEEDS}\`). Each run is a fresh simulator with seeded faults. The
transient mix (\`chaosFaults\` in test/chaos/chaos-run.ts): 12 % of all requests answered
500/503/429, 10 % of patches/updates answered 409, 15 % of writes served but their response lost
(connection reset), 0–30 ms latency, 25 % of watches broken and 15 % ended early, 30 % of resumed
watches answered 410 Gone, one 700 ms outage with connections reset. Scenario runs add one
scenario fault on top of that mix; kill runs SIGKILL the \`sdrain apply\` binary at a point found
from its NDJSON events (test/chaos/kill-run.ts) under the mix, then run it again until exit 0.

An observer on the simulator's store (not sdrain) checks: no workload below its plan's floor at
any moment; every run ends done, or failed (exit 1) with a summary that matches the cluster, or
refused (exit 3) without changes; re-running converges (after a DRIFT refusal caused by another
writer, a fresh plan is made, as an operator would); after a kill: nothing half-done (Deployment
back at its replicas, no surge record, no marked pods, lock released) and nothing done twice (no
restart beyond the plan's rolls, no pod of a moved workload removed from a node not drained).

| | |
|---|---|
| runs | ${rows.length + kills.length}: ${SEEDS * 2} transient (${SEEDS} seeds × seed article, ${SEEDS} seeds × 8-node / 10-Deployment cluster), ${SCENARIO_SEEDS * SCENARIOS.length} scenario (${SCENARIOS.length} scenarios × ${SCENARIO_SEEDS} seeds), ${kills.length} kill points |
| apply runs (in-process) | ${applyRuns} (${failedRuns} ended in a failure (exit 1) and were re-run, ${refused} refused) |
| apply runs (CLI, kill tests) | ${kills.length} killed + ${killReruns} re-runs |
| converged | ${rows.filter((r) => r.report.converged).length + kills.filter((k) => k.reruns.at(-1) === 0).length} / ${rows.length + kills.length} |
| client retries | ${rows.reduce((n, r) => n + r.report.retries, 0)} (in-process runs) |
| **violations** | **${violations.length}** |
| wall time | ${Math.round(ms / 1000)} s |

${violations.length ? `## Violations\n\n${violations.map((v) => `- ${v}`).join('\n')}\n` : 'No violations.\n'}
## Faults injected, by kind

| kind | count |
|---|---|
${byCount.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}
${missing.length ? `| **never injected** | ${missing.join(', ')} |\n` : ''}
## Kill points

| point | killed after event # | re-run exits | faults | violations | notes | s |
|---|---|---|---|---|---|---|
${kills.map((k) => `| ${k.point} | ${k.killed ? k.eventsBeforeKill : 'not reached'} | ${k.reruns.join(', ')} | ${Object.values(k.faults).reduce((a, b) => a + b, 0)} | ${k.violations.length} | ${k.notes.join('; ')} | ${Math.round(k.ms / 1000)} |`).join('\n')}

## Per run

| cluster | scenario | seed | runs | faults | retries | violations |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.cluster} | ${r.scenario} | ${r.report.seed} | ${r.report.runs.map((x) => x.status).join(' → ')}${r.report.replans ? ` (re-planned ${r.report.replans}×)` : ''} | ${Object.values(r.report.faults).reduce((a, b) => a + b, 0)} | ${r.report.retries} | ${r.report.violations.length} |`).join('\n')}
`;
  writeFileSync(join(REPO_ROOT, 'bench/CHAOS-RESULTS.md'), text);
  return violations;
}

describe('chaos (full)', () => {
  it(`runs ${SEEDS} seeds on each cluster, every scenario and every kill point with no invariant violated`, async () => {
    const started = Date.now();
    const rows: Row[] = [];
    const seedText = readFileSync(SEED, 'utf8');
    const larger = largerCluster();
    for (let i = 0; i < SEEDS; i++) {
      const seed = 1000 + i;
      rows.push({ cluster: 'seed article', scenario: 'transient', report: await runChaos({ text: seedText, specText: seedSpec(), faults: chaosFaults(seed), podStartupMs: 500 }) });
      rows.push({ cluster: '8 nodes', scenario: 'transient', report: await runChaos({ text: larger, specText: LARGER_SPEC, faults: chaosFaults(seed), podStartupMs: 400, runTimeoutMs: 120_000 }) });
    }
    for (let i = 0; i < SCENARIO_SEEDS; i++) {
      for (const sc of SCENARIOS) {
        const seed = 2000 + i;
        const report = await runChaos({
          text: seedText,
          specText: seedSpec(sc.specExtra),
          faults: { ...chaosFaults(seed), scenarios: sc.scenarios },
          podStartupMs: sc.podStartupMs,
          replanOnDrift: sc.replanOnDrift,
          runTimeoutMs: 90_000,
        });
        rows.push({ cluster: 'seed article', scenario: sc.name, report });
      }
    }
    const kills: KillReport[] = [];
    const queue = KILL_POINTS.map((p, i) => ({ p, seed: 3000 + i }));
    await Promise.all(
      Array.from({ length: KILL_PARALLEL }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) kills.push(await runKillPoint(next.p, { faults: chaosFaults(next.seed), podStartupMs: 300, maxReruns: 4 }));
      }),
    );
    kills.sort((a, b) => KILL_POINTS.findIndex((p) => p.name === a.point) - KILL_POINTS.findIndex((p) => p.name === b.point));
    const violations = write(rows, kills, Date.now() - started);
    expect(violations).toEqual([]);
  });
});
