/**
 * One drain of a scenario on a fresh in-process simulator, by either tool, watched by the
 * independent ready observer: `sdrain plan` + `sdrain apply` through the CLI binary, or the
 * real `kubectl drain --ignore-daemonsets --delete-emptydir-data` node by node. Records wall
 * time, API requests (the simulator's counter), and each workload's ready timeline until
 * every workload is back to full strength or `settleMs` after the tool finished.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../src/model/plan.js';
import { startSimulator } from '../src/sim/simulator.js';
import { FAST_TERMINATION_MS } from '../src/sim/controllers/sim-annotations.js';
import type { DrainScenario } from './drain-scenarios.js';
import { REPO_ROOT, SDRAIN_BIN } from './lib/bench-paths.js';
import { kubectlBinary } from './lib/kubectl-binary.js';
import { observeReady, type Timeline } from './lib/ready-observer.js';
import { runProcess } from './lib/run-process.js';

export type Tool = 'sdrain' | 'kubectl';

export interface DrainRun {
  scenario: string;
  tool: Tool;
  ok: boolean;
  error?: string;
  /** Wall time of the tool's processes (sdrain: apply only; plan reported apart). */
  wallMs: number;
  /** sdrain: apply's own start → done (from its NDJSON events), without process start-up. */
  applyMs?: number;
  planWallMs?: number;
  /** From the tool's start until every workload was back to full strength (undefined: never). */
  recoveredMs?: number;
  /** ms on the observer's clock when the tool started and ended. */
  toolStartMs: number;
  toolEndMs: number;
  endMs: number;
  requests: number;
  requestsByVerb: Record<string, number>;
  planRequests?: number;
  plan?: Plan;
  /** sdrain: apply's NDJSON events (--events), for where the time went. */
  events?: { type: string; at: number; [k: string]: unknown }[];
  timelines: Timeline[];
  replicas: Record<string, number>;
}

const key = (ns: string, app: string) => `${ns}/${app}`;

export async function runDrain(s: DrainScenario, tool: Tool, opts: { settleMs?: number; timeoutMs?: number } = {}): Promise<DrainRun> {
  // Termination as the scenario sets it (sim.sdrain.io/termination-ms), else the demo's 1 s.
  const sim = await startSimulator({ objects: structuredClone(s.objects), podStartupMs: s.podStartupMs, maxTerminationMs: FAST_TERMINATION_MS, file: s.name });
  const dir = mkdtempSync(join(tmpdir(), `sdrain-bench-${s.name}-`));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig, { mode: 0o600 });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', KUBECTL_INTERACTIVE_DELETE: 'false' };
  const observer = observeReady(sim, s.workloads);
  const replicas = Object.fromEntries(s.workloads.map((w) => [key(w.namespace, w.app), observer.current(w)]));
  const timeoutMs = opts.timeoutMs ?? 300_000;
  let before: ReturnType<typeof sim.requestCount> | undefined;
  const countRequests = () => {
    const after = sim.requestCount();
    run.requests = after.total - (before?.total ?? 0);
    for (const [verb, n] of Object.entries(after.byVerb)) run.requestsByVerb[verb] = (n ?? 0) - (before?.byVerb[verb as keyof typeof after.byVerb] ?? 0);
  };
  const run: DrainRun = { scenario: s.name, tool, ok: false, wallMs: 0, toolStartMs: 0, toolEndMs: 0, endMs: 0, requests: 0, requestsByVerb: {}, timelines: [], replicas };
  try {
    if (tool === 'sdrain') {
      const specFile = join(dir, 'maint.yaml');
      writeFileSync(specFile, s.maintYaml);
      const r0 = sim.requestCount().total;
      const planned = await runProcess(process.execPath, [SDRAIN_BIN, 'plan', '-f', specFile, '--kubeconfig', kubeconfig, '--out', join(dir, 'plan.json'), '-o', 'json'], { cwd: dir, env, timeoutMs });
      if (planned.code !== 0) throw new Error(`sdrain plan exited ${planned.code}: ${planned.stderr.slice(-2000)}`);
      run.planWallMs = planned.wallMs;
      run.planRequests = sim.requestCount().total - r0;
      run.plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
    }
    before = sim.requestCount();
    run.toolStartMs = observer.elapsed();
    if (tool === 'sdrain') {
      const events = join(dir, 'events.ndjson');
      const r = await runProcess(process.execPath, [SDRAIN_BIN, 'apply', join(dir, 'plan.json'), '--kubeconfig', kubeconfig, '--events', events], { cwd: dir, env, timeoutMs });
      run.wallMs = r.wallMs;
      if (r.code !== 0) throw new Error(`sdrain apply exited ${r.code}: ${r.stderr.slice(-2000)}`);
      run.events = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; at: number; ms?: number });
      run.applyMs = run.events.find((e) => e.type === 'done')?.ms as number | undefined;
    } else {
      const kubectl = await kubectlBinary();
      const t0 = performance.now();
      for (const node of s.nodes) {
        const r = await runProcess(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), 'drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s'], { cwd: dir, env, timeoutMs });
        if (r.code !== 0) throw new Error(`kubectl drain ${node} exited ${r.code}: ${r.stderr.slice(-2000)}`);
      }
      run.wallMs = performance.now() - t0;
    }
    run.toolEndMs = observer.elapsed();
    countRequests();
    const full = () => s.workloads.every((w) => observer.current(w) >= (replicas[key(w.namespace, w.app)] ?? 0));
    const recovered = await observer.waitUntil(full, opts.settleMs ?? 20_000);
    run.endMs = observer.elapsed();
    if (recovered) run.recoveredMs = run.endMs - run.toolStartMs;
    run.ok = true;
  } catch (e) {
    run.error = (e as Error).message;
    run.endMs = observer.elapsed();
    // A failed tool still made requests: count them up to the failure.
    if (before && run.requests === 0) countRequests();
  } finally {
    observer.stop();
    run.timelines = observer.timelines();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/** The plan's floor (expectedMinReady) per workload: the least over its actions. */
export function planFloors(plan: Plan): Map<string, number> {
  const floors = new Map<string, number>();
  for (const w of plan.waves) {
    for (const a of w.actions) {
      const k = key(a.workload.namespace ?? '', a.workload.name);
      floors.set(k, Math.min(floors.get(k) ?? Infinity, a.expectedMinReady));
    }
  }
  return floors;
}

/**
 * The least time the plan's methods can take given the start-up and termination times, with
 * zero tool overhead: waves run one after another, a wave's workloads at the same time.
 * surge: replacements start together, then the moved pods terminate (S + T); roll: the
 * workload is replaced in ceil(replicas / (maxSurge + maxUnavailable)) rounds of S, then the
 * last old pods terminate; evict (one pod at a time, waiting for the replacement): per pod
 * max(S, T) for a Deployment, T + S for a StatefulSet (the name is reused); delete: T.
 * Pods that stay Pending (unplaceable) add only their termination.
 */
export function lowerBoundMs(plan: Plan, startupOf: (namespace: string, name: string) => number, terminationMs = 1000): number {
  let total = 0;
  for (const w of plan.waves) {
    let wave = 0;
    for (const a of w.actions) {
      const S = startupOf(a.workload.namespace ?? '', a.workload.name);
      const T = terminationMs;
      const n = a.pods.length;
      const sts = a.workload.kind === 'StatefulSet';
      let ms: number;
      if (a.expectedMinReady === 0 && a.replicas === n && /Pending|fit on no/.test(a.reason + JSON.stringify(plan.findings.filter((f) => f.object?.name === a.workload.name).map((f) => f.message)))) ms = T;
      else if (a.method === 'surge') ms = S + T;
      else if (a.method === 'roll') ms = sts ? a.replicas * (S + T) : Math.ceil(a.replicas / Math.max(1, a.strategy.maxSurge + a.strategy.maxUnavailable)) * S + T;
      else if (a.method === 'evict') ms = n * (sts ? S + T : Math.max(S, T));
      else ms = T;
      wave = Math.max(wave, ms);
    }
    total += wave;
  }
  return total;
}
