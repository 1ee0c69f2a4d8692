/**
 * `sdrain demo`: the whole story on a simulated cluster, with no cluster and no flags.
 * 1. simulator with examples/cluster.yaml (pods take a few seconds to start, like real ones);
 * 2. plan examples/demo-maint.yaml live against it (the `sdrain plan --kubeconfig` code path);
 * 3. apply the plan file (the `sdrain apply` code path) while an independent observer on the
 *    simulator's store records the least ready replicas per workload;
 * 4. on a second, fresh simulator, do what `kubectl drain` does (cordon, evict everything at once,
 *    retry 429) and observe the same way;
 * 5. print both side by side. This is CLI-edge code: it prints, reads files and the clock.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdrainError } from '../errors.js';
import type { Plan } from '../model/plan.js';
import type { KubeObject } from '../model/k8s.js';
import { parseSpec } from '../spec/parse-spec.js';
import { plan as computePlan } from '../plan/plan.js';
import { writePlan } from '../planfile/write-plan.js';
import { TOOL_VERSION } from '../version.js';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { FAST_TERMINATION_MS } from '../sim/controllers/sim-annotations.js';
import { connect } from '../cluster/connect.js';
import type { CliIO } from '../app/io.js';
import { loadCluster } from '../app/cluster-source.js';
import { renderPlanAs } from '../render/plan-as.js';
import { applyGateway, runApply } from '../app/apply-run.js';
import { wallSleep } from '../apply/wall-clock.js';
import { makeStyle } from '../render/style.js';
import { demoCluster, DEMO_LEFT_OUT } from './demo-cluster.js';
import { observeReady, type WorkloadKey } from './ready-observer.js';
import { plainEviction } from './plain-eviction.js';
import { availabilityRows, renderAvailabilityReport, workloadKey } from './availability-report.js';

export interface DemoOptions {
  /** Leave the sdrain simulator running until Ctrl-C and say how to use kubectl with it. */
  keep: boolean;
  /** Time from a pod being bound until Ready in both simulators. */
  podStartupMs: number;
}

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const RECOVERY_TIMEOUT_MS = 60_000;

export async function runDemo(io: CliIO, opts: DemoOptions): Promise<void> {
  const s = makeStyle(io.color);
  const say = (text: string) => io.stdout(`\n${s.bold(s.cyan(`== ${text}`))}\n`);
  const clusterFile = join(EXAMPLES, 'cluster.yaml');
  const specFile = join(EXAMPLES, 'demo-maint.yaml');
  const cluster = demoCluster(await readFile(clusterFile, 'utf8'), clusterFile);
  if (cluster.errors.length) throw new SdrainError('INPUT_INVALID', `Cannot load ${clusterFile}: ${cluster.errors[0]!.message}`);
  const spec = parseSpec(await readFile(specFile, 'utf8'), specFile);
  const dir = await mkdtemp(join(tmpdir(), 'sdrain-demo-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const planFile = join(dir, 'plan.json');
  const eventsFile = join(dir, 'events.ndjson');
  const reportFile = join(dir, 'report.html');

  const sims: Simulator[] = [];
  try {
    say(`1/4 Starting a simulated cluster from examples/cluster.yaml (pods take ${(opts.podStartupMs / 1000).toFixed(1)} s to become ready)`);
    const sim = await startSimulator({ objects: cluster.objects, file: clusterFile, podStartupMs: opts.podStartupMs, maxTerminationMs: FAST_TERMINATION_MS, seed: 1 });
    sims.push(sim);
    await writeFile(kubeconfig, sim.kubeconfig, { mode: 0o600 });
    io.stdout(`Simulator at ${sim.url}; kubeconfig ${kubeconfig}\n`);
    for (const l of DEMO_LEFT_OUT) io.stdout(`Left out of the demo: Deployment ${l.namespace}/${l.deployment} — ${l.why}.\n`);

    say('2/4 sdrain plan -f examples/demo-maint.yaml --kubeconfig ... (drain worker-1)');
    const snapshot = await loadCluster(io, { kubeconfig });
    const { text, plan } = writePlan(computePlan(spec, snapshot, { toolVersion: TOOL_VERSION }));
    await writeFile(planFile, text, 'utf8');
    io.stdout(renderPlanAs(plan, 'table', io.color));
    io.stdout(`Plan written to ${planFile}\n`);
    if (!plan.applicable) throw new SdrainError('PLAN_REFUSED', 'Cannot run the demo: its plan is blocked by error findings (shown above)');

    say('3/4 sdrain apply plan.json (an independent observer watches ready pods meanwhile)');
    const keys = movedWorkloads(plan);
    const withSdrain = observeReady(sim.store, keys);
    await runApply(io, planFile, { kubeconfig, lockTimeout: '30s', lockNamespace: 'kube-system', lockDuration: '15s', events: eventsFile, report: reportFile });
    withSdrain.stop();
    if (io.signal.aborted) return; // apply already said so and chose exit code 130
    if (io.exitCode !== 0) throw new SdrainError('APPLY_FAILED', 'Cannot finish the demo: apply did not complete (see above)');

    say('4/4 The same drain done the plain way, on a fresh simulator: cordon, then evict every pod at once (like `kubectl drain`)');
    const plain = await measurePlainEviction(io, cluster.objects, clusterFile, plan, keys, opts.podStartupMs, dir, sims);

    io.stdout('\n' + renderAvailabilityReport(availabilityRows(plan, withSdrain.minReady(), plain), io.color));
    io.stdout(`\nPlan file:  ${planFile}\nKubeconfig: ${kubeconfig}\nEvents:     ${eventsFile}\n`);
    io.stdout(`Try: node bin/sdrain.js show ${planFile}  (or -o markdown)\n`);
    if (!opts.keep) io.stdout('The simulators stop now; run `sdrain demo --keep` to explore the cluster with kubectl afterwards.\n');
    io.stdout(`\nApply report (timeline, ready pods against floors, estimate vs actual; open it in a browser): ${reportFile}\n`);

    if (opts.keep) {
      await Promise.all(sims.slice(1).map((x) => x.stop()));
      io.stdout(
        `\nThe simulator keeps running at ${sim.url} (Ctrl-C to stop). For example:\n` +
          `  kubectl --kubeconfig ${kubeconfig} get nodes\n` +
          `  kubectl --kubeconfig ${kubeconfig} get pods -A -o wide\n` +
          `  node bin/sdrain.js uncordon ${planFile} --kubeconfig ${kubeconfig}\n`,
      );
      if (!io.signal.aborted) await new Promise<void>((r) => io.signal.addEventListener('abort', () => r(), { once: true }));
    }
  } finally {
    await Promise.all(sims.map((x) => x.stop()));
  }
}

/** Workloads whose pods the plan moves, as observer keys. */
function movedWorkloads(plan: Plan): WorkloadKey[] {
  const keys = new Set<WorkloadKey>();
  for (const w of plan.waves) for (const a of w.actions) if (a.pods.length) keys.add(workloadKey(a.workload.kind, a.workload.namespace, a.workload.name));
  return [...keys].sort();
}

async function measurePlainEviction(
  io: CliIO,
  objects: KubeObject[],
  file: string,
  plan: Plan,
  keys: WorkloadKey[],
  podStartupMs: number,
  dir: string,
  sims: Simulator[],
): Promise<Map<WorkloadKey, number>> {
  const sim = await startSimulator({ objects, file, podStartupMs, maxTerminationMs: FAST_TERMINATION_MS, seed: 1 });
  sims.push(sim);
  const kubeconfig = join(dir, 'kubeconfig-plain');
  await writeFile(kubeconfig, sim.kubeconfig, { mode: 0o600 });
  const { kc, server } = connect({ kubeconfig, env: io.env, cwd: io.cwd });
  const gateway = applyGateway(io, kc, server);
  const replicas = new Map<WorkloadKey, number>();
  for (const w of plan.waves) for (const a of w.actions) replicas.set(workloadKey(a.workload.kind, a.workload.namespace, a.workload.name), a.replicas);
  const observer = observeReady(sim.store, keys);
  const started = Date.now();
  const stamp = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
  const nodes = plan.waves.flatMap((w) => w.nodes);
  const result = await plainEviction(gateway, nodes, {
    sleep: (ms) => wallSleep(ms, io.signal),
    now: () => Date.now(),
    retryForMs: 30_000,
    onLine: (l) => io.stderr(`${stamp()} ${l}\n`),
  });
  // Observe until every workload is back to its replica count (or a deadline), so dips that
  // happen after the last eviction call are seen too.
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  while (Date.now() < deadline && !io.signal.aborted) {
    const ready = observer.ready();
    if (keys.every((k) => (ready.get(k) ?? 0) >= (replicas.get(k) ?? 0))) break;
    await wallSleep(100, io.signal);
  }
  observer.stop();
  const recovered = keys.every((k) => (observer.ready().get(k) ?? 0) >= (replicas.get(k) ?? 0));
  io.stdout(`Plain eviction: ${result.evicted.length} pod(s) evicted, ${result.retries} retried after 429, ${result.refused.length} still refused; ${recovered ? `all workloads ready again after ${stamp().slice(1)}` : 'not all workloads recovered within 60 s'}.\n`);
  for (const r of result.refused) io.stdout(`  still refused: ${r.pod}: ${r.message}\n`);
  await sim.stop();
  return observer.minReady();
}
