/**
 * Kill tests: `sdrain apply` (the built binary) is SIGKILLed at a chosen point — found from its
 * own NDJSON events (`--events -`), so the point is the same every run — then apply is run again
 * (and again after an exit 1) until it exits 0. An observer on the simulator's store, not
 * sdrain, checks what must hold across all runs: no workload below its plan's floor, nothing
 * left half-done (a Deployment still scaled up, pods still marked, the lock held), no step done
 * twice harmfully (a restart beyond one per wave that rolls the workload, a pod of a moved workload removed from
 * a node that was not drained). Shared by test/apply/kill-points.test.ts and `npm run chaos`.
 *
 * The cluster exercises every method in two waves: web (surge, pods on both drained nodes),
 * api (roll), cache (evict, two pods on the first node, PDB), db (StatefulSet, evict, PDB) and
 * a bare pod (delete), with an afterEach command per node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDaemonSetPod, isPodReady, isTerminating } from '../../src/kube/pod.js';
import type { Deployment, KubeObject, Lease, Node, Pod } from '../../src/model/k8s.js';
import type { FaultConfig } from '../../src/sim/faults/fault-config.js';
import { readLiveSnapshot } from '../../src/cluster/read-snapshot.js';
import { plan as computePlan } from '../../src/plan/plan.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { SDRAIN_BIN } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { deploymentObjects, listJson, namespaceObject, nodeObject, pdbObject, statefulSetObjects } from '../../bench/lib/cluster-objects.js';

/** One NDJSON event line of `sdrain apply --events -`. */
export interface EventLine {
  type: string;
  wave?: number;
  node?: string;
  phase?: string;
  workload?: { kind: string; namespace?: string; name: string };
  [k: string]: unknown;
}

export interface KillPoint {
  name: string;
  /** In the test suite's slice (the rest run with SDRAIN_KILL_ALL=1 and in `npm run chaos`). */
  ci?: boolean;
  /** Kill when this holds for an event (every earlier event is in `seen`). */
  at: (e: EventLine, seen: EventLine[]) => boolean;
  /**
   * Or when this holds for the simulator's store after a write: progress events are emitted on
   * watch changes, so under broken watches a phase can pass without its own event.
   */
  atStore?: (sim: TestSim) => boolean;
}

const wl = (e: EventLine, name: string) => e.workload?.name === name;
const progress = (e: EventLine, name: string, phase: RegExp) => e.type === 'workload-progress' && wl(e, name) && phase.test(e.phase ?? '');

/** The kill points: every kind of step apply takes, in both waves. */
export const KILL_POINTS: KillPoint[] = [
  { name: 'after the lock is taken', ci: true, at: (e) => e.type === 'lock-acquired' },
  { name: 'after the first cordon', ci: true, at: (e) => e.type === 'node-cordoned' && e.wave === 1 },
  {
    name: 'mid-surge (scaled up, not back down)',
    ci: true,
    at: (e) => progress(e, 'web', /surge pod/) && e.wave === 1,
    atStore: (sim) => (sim.store.get<Deployment>('Deployment', 'shop', 'web')?.spec.replicas ?? 3) > 3 && sim.store.list<Pod>('Pod', { namespace: 'shop' }).some((p) => p.metadata.labels?.app === 'web' && p.spec.nodeName === 'n1'),
  },
  { name: 'mid-roll (restart patched, rollout running)', ci: true, at: (e) => progress(e, 'api', /rollout/) },
  { name: 'mid-evict (one of two pods evicted)', ci: true, at: (e) => progress(e, 'cache', /replacement of/) },
  { name: 'mid-delete (bare pod terminating)', ci: true, at: (e) => progress(e, 'debug', /deleted pods/) },
  { name: 'after the first workload is done', at: (e) => e.type === 'workload-done' && e.wave === 1 },
  { name: 'during afterEach of wave 1', ci: true, at: (e) => e.type === 'after-each-start' && e.wave === 1 },
  { name: 'between waves', ci: true, at: (e) => e.type === 'wave-done' && e.wave === 1 },
  { name: 'mid-surge in wave 2', at: (e) => progress(e, 'web', /surge pod/) && e.wave === 2 },
  { name: 'mid-evict of a StatefulSet pod (wave 2)', at: (e) => progress(e, 'db', /replacement/) },
  { name: 'during afterEach of wave 2', at: (e) => e.type === 'after-each-start' && e.wave === 2 },
];

const NODES = ['n1', 'n2', 'n3', 'n4'];
const DRAINED = ['n1', 'n2'];

/** The kill-test cluster (see the file comment); deterministic. */
export function killCluster(): string {
  const nodes = NODES.map((name, i) => ({ name, index: i + 1, zone: i % 2 ? 'eu-west-1b' : 'eu-west-1a', cpu: '8', memory: '32Gi' }));
  const at = (...names: string[]) => names.map((n) => ({ node: n, nodeIndex: NODES.indexOf(n) + 1 }));
  // Pods stop at once (grace 0) to keep the runs short; the bare pod takes 1 s, so a kill can land while it terminates.
  const base = { cpu: '100m', memory: '128Mi', terminationGracePeriodSeconds: 0 };
  const debug = deploymentObjects({ namespace: 'shop', name: 'debug', app: 'debug', ...base, terminationGracePeriodSeconds: 1, placement: at('n1') }).find((o) => o.kind === 'Pod')!;
  const bare = structuredClone(debug) as Pod;
  bare.metadata.name = 'debug';
  delete bare.metadata.ownerReferences;
  delete bare.metadata.labels?.['pod-template-hash'];
  const objects: KubeObject[] = [
    namespaceObject('default'),
    namespaceObject('kube-system'),
    namespaceObject('shop'),
    ...nodes.map(nodeObject),
    ...deploymentObjects({ namespace: 'shop', name: 'web', app: 'web', ...base, placement: at('n1', 'n2', 'n3'), strategy: { maxSurge: 1, maxUnavailable: 0 } }),
    ...deploymentObjects({ namespace: 'shop', name: 'api', app: 'api', ...base, placement: at('n1', 'n3', 'n4'), strategy: { maxSurge: 1, maxUnavailable: 0 } }),
    ...deploymentObjects({ namespace: 'shop', name: 'cache', app: 'cache', ...base, placement: at('n1', 'n1', 'n4', 'n3'), strategy: { maxSurge: 1, maxUnavailable: 0 } }),
    pdbObject({ namespace: 'shop', name: 'cache', app: 'cache', replicas: 4, maxUnavailable: 1 }),
    ...statefulSetObjects({ namespace: 'shop', name: 'db', app: 'db', ...base, placement: at('n3', 'n2', 'n4') }),
    pdbObject({ namespace: 'shop', name: 'db', app: 'db', replicas: 3, maxUnavailable: 1 }),
    bare,
  ];
  return listJson(objects);
}

export const KILL_SPEC = `apiVersion: sdrain.io/v1alpha1
kind: Maintenance
metadata:
  name: kill-points
spec:
  nodes:
    names: [n1, n2]
  workloads:
    unmanaged: delete
    overrides:
      - { kind: Deployment, namespace: shop, name: api, method: roll }
      - { kind: Deployment, namespace: shop, name: cache, method: evict }
  afterEach:
    command: ["sh", "-c", "sleep 0.3; echo patched $SDRAIN_NODE"]
    uncordon: false
  timeouts:
    workload: 60s
`;

export interface KillReport {
  point: string;
  /** Whether the kill point was reached (apply was killed there). */
  killed: boolean;
  /** Event types apply had written before the kill. */
  eventsBeforeKill: number;
  /** Exit codes of the runs after the kill. */
  reruns: (number | null)[];
  violations: string[];
  /** Things worth telling that break no invariant. */
  notes: string[];
  faults: Record<string, number>;
  ms: number;
}

interface Child {
  kill(): void;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** `sdrain apply` in the background with NDJSON events on stdout, handed to `onEvent` line by line. */
function startApply(dir: string, kubeconfig: string, onEvent: (e: EventLine) => void): Child {
  const child = spawn(process.execPath, [SDRAIN_BIN, 'apply', 'plan.json', '--kubeconfig', kubeconfig, '--events', '-', '--lock-duration', '1s'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) {
        try {
          onEvent(JSON.parse(line) as EventLine);
        } catch {
          // not an event line
        }
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return {
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    done,
  };
}

interface Floor {
  name: string;
  app: string;
  floor: number;
}

/**
 * Records, from the store's own events, the lowest ready count per workload and every pod of a
 * moved workload that was removed from a node the plan does not drain (a harmful extra move).
 */
function observe(sim: TestSim, floors: Floor[], rolled: Set<string>) {
  const ready = (app: string) => sim.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => p.metadata.labels?.app === app && isPodReady(p) && !isTerminating(p)).length;
  const low = new Map(floors.map((f) => [f.app, ready(f.app)]));
  const extra: string[] = [];
  const off = sim.store.on((e) => {
    if (e.kind !== 'Pod') return;
    const pod = e.object as Pod;
    const old = e.old as Pod | undefined;
    const app = pod.metadata.labels?.app ?? '';
    const startedTerminating = !!pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp;
    if (startedTerminating && app && !rolled.has(app) && !DRAINED.includes(pod.spec.nodeName ?? '')) {
      extra.push(`pod ${pod.metadata.name} of ${app} was removed from ${pod.spec.nodeName}, which is not drained (ready: ${isPodReady(pod)})`);
    }
    for (const f of floors) low.set(f.app, Math.min(low.get(f.app) ?? Infinity, ready(f.app)));
  });
  return { low, extra, stop: off };
}

function replicaSetsOf(sim: TestSim, name: string): number {
  return sim.store.list<KubeObject>('ReplicaSet', { namespace: 'shop' }).filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name)).length;
}

/**
 * One kill point: fresh simulator (optionally with faults), plan with the CLI, apply killed at
 * the point, then re-run until exit 0 (at most `maxReruns`). Never throws for a violation.
 */
export async function runKillPoint(point: KillPoint, opts: { faults?: FaultConfig; podStartupMs?: number; maxReruns?: number; runTimeoutMs?: number } = {}): Promise<KillReport> {
  const started = Date.now();
  const sim = await startTestSim({ yaml: killCluster(), podStartupMs: opts.podStartupMs ?? 300, ...(opts.faults ? { faults: opts.faults, seed: opts.faults.seed } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kill-'));
  const report: KillReport = { point: point.name, killed: false, eventsBeforeKill: 0, reruns: [], violations: [], notes: [], faults: {}, ms: 0 };
  const timeout = opts.runTimeoutMs ?? 90_000;
  const children: Child[] = [];
  try {
    // Planned in-process (as `sdrain plan --kubeconfig` does) to save a CLI start per point.
    const { text, plan } = writePlan(computePlan(parseSpec(KILL_SPEC, 'maint.yaml'), await readLiveSnapshot(sim.kc, { server: sim.url }), { toolVersion: '0.1.0' }));
    writeFileSync(join(dir, 'plan.json'), text);
    const floors = new Map<string, Floor>();
    const rolled = new Set<string>();
    for (const w of plan.waves) {
      for (const a of w.actions) {
        if (a.workload.kind === 'Pod') continue;
        if (a.method === 'roll') rolled.add(a.workload.name);
        floors.set(a.workload.name, { name: `${a.workload.kind} shop/${a.workload.name}`, app: a.workload.name, floor: Math.max(floors.get(a.workload.name)?.floor ?? 0, a.expectedMinReady) });
      }
    }
    const obs = observe(sim, [...floors.values()], rolled);

    // The run to kill.
    const seen: EventLine[] = [];
    let first!: Child;
    first = startApply(dir, sim.kubeconfigPath, (e) => {
      seen.push(e);
      if (!report.killed && point.at(e, seen)) {
        report.killed = true;
        report.eventsBeforeKill = seen.length;
        first.kill();
      }
    });
    children.push(first);
    const atStore = point.atStore;
    const offStore = atStore
      ? sim.store.on(() => {
          if (report.killed || !atStore(sim)) return;
          report.killed = true;
          report.eventsBeforeKill = seen.length;
          first.kill();
        })
      : () => undefined;
    const killTimer = setTimeout(() => first.kill(), timeout);
    const r1 = await first.done;
    clearTimeout(killTimer);
    offStore();
    if (!report.killed) report.violations.push(`the kill point was never reached (apply exited ${r1.code ?? r1.signal}): ${r1.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    else if (r1.signal !== 'SIGKILL') report.violations.push(`apply finished (${r1.code}) before it could be killed`);

    // Re-run until done: exit 1 (a step failed) may be re-run; anything else is a violation.
    const maxReruns = opts.maxReruns ?? 3;
    let converged = false;
    for (let i = 0; i < maxReruns && !converged; i++) {
      const child = startApply(dir, sim.kubeconfigPath, () => undefined);
      children.push(child);
      const t = setTimeout(() => child.kill(), timeout);
      const r = await child.done;
      clearTimeout(t);
      report.reruns.push(r.code);
      if (r.code === 0) converged = true;
      else if (r.code !== 1) {
        report.violations.push(`re-run ${i + 1} exited ${r.code ?? r.signal}: ${process.env.KILL_FULL ? r.stderr : r.stderr.trim().split('\n').slice(-4).join(' | ')}`);
        break;
      }
    }
    obs.stop();
    if (!converged) report.violations.push(`apply did not converge in ${maxReruns} re-runs (exits ${report.reruns.join(', ')})`);

    for (const f of floors.values()) {
      const low = obs.low.get(f.app) ?? 0;
      if (low < f.floor) report.violations.push(`${f.name} fell to ${low} ready, below the plan's floor of ${f.floor}`);
    }
    report.violations.push(...obs.extra);
    // Nothing half-done, nothing done twice.
    const web = sim.store.get<Deployment>('Deployment', 'shop', 'web');
    if (web?.spec.replicas !== 3) report.violations.push(`Deployment web left at ${web?.spec.replicas} replicas (3 before)`);
    if (web?.metadata.annotations?.['sdrain.io/surge']) report.violations.push(`Deployment web still carries the surge record ${web.metadata.annotations['sdrain.io/surge']}`);
    if (replicaSetsOf(sim, 'web') !== 1) report.violations.push(`Deployment web has ${replicaSetsOf(sim, 'web')} ReplicaSets: it was rolled, not surged`);
    // api is rolled in wave 1, and again in wave 2 only if its new pods landed on n2 (the plan's roll action there).
    const restarts = replicaSetsOf(sim, 'api') - 1;
    const rolls = plan.waves.filter((w) => w.actions.some((a) => a.workload.name === 'api' && a.method === 'roll')).length;
    if (restarts < 1 || restarts > rolls) report.violations.push(`Deployment api was restarted ${restarts} times; the plan rolls it in ${rolls} wave(s), at most once each`);
    const marked = sim.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost']);
    if (marked.length) report.violations.push(`pods still marked for removal: ${marked.map((p) => p.metadata.name).join(', ')}`);
    for (const name of DRAINED) {
      const node = sim.store.get<Node>('Node', undefined, name);
      if (!node?.spec?.unschedulable) report.violations.push(`node ${name} is not cordoned`);
      if (node?.metadata.annotations?.['sdrain.io/drained'] !== plan.digest) report.violations.push(`node ${name} is not marked drained`);
      const left = sim.store.list<Pod>('Pod').filter((p) => p.spec.nodeName === name && !isDaemonSetPod(p));
      if (left.length) report.violations.push(`pods left on ${name}: ${left.map((p) => p.metadata.name).join(', ')}`);
    }
    if (sim.store.get<Pod>('Pod', 'shop', 'debug')) report.violations.push('the bare pod debug still exists');
    // Released, or at least expired: a release lost to injected faults leaves the lease to expire
    // after its duration (1 s here), which is how a killed apply's lock goes too.
    const lease = sim.store.get<Lease>('Lease', 'kube-system', 'sdrain-apply');
    if (converged && lease?.spec?.holderIdentity) {
      const until = Date.parse(lease.spec.renewTime ?? '') + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
      if (!(until <= Date.now())) report.violations.push(`the lock is still held by ${lease.spec.holderIdentity}`);
      else report.notes.push(`the final run's lock release did not land; the lease expired after its duration`);
    }
  } finally {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.done));
    report.faults = sim.sim.faultCounts();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
    report.ms = Date.now() - started;
  }
  return report;
}
