/**
 * One chaos run: a simulator with seeded faults, a plan made from its live state, apply run
 * (and re-run after a failure) through the real HTTP gateway, and an observer that watches the
 * simulator's store directly — not through sdrain — and records every time a workload had
 * fewer ready pods than the plan promised. Shared by the chaos test slice and `npm run chaos`.
 */
import { readFileSync } from 'node:fs';
import type { ApplyResult } from '../../src/apply/apply-result.js';
import { SdrainError } from '../../src/errors.js';
import type { ApplyDeps } from '../../src/apply/apply-deps.js';
import type { ApplyEvent } from '../../src/apply/apply-event.js';
import { acquireLeaseLock } from '../../src/cluster/lease-lock.js';
import { onKubeRetry } from '../../src/cluster/kube-request.js';
import { isPodReady, isTerminating } from '../../src/kube/pod.js';
import { labelSelectorMatches } from '../../src/kube/selector.js';
import type { KubeObject, Node, Pod } from '../../src/model/k8s.js';
import type { Plan } from '../../src/model/plan.js';
import type { FaultConfig } from '../../src/sim/faults/fault-config.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { makeDeps, planLive, runApply } from '../apply/apply-harness.js';

export interface ChaosRunOptions {
  /** Cluster dump to load (path) or its text. */
  file?: string;
  text?: string;
  specText: string;
  faults: FaultConfig;
  podStartupMs?: number;
  /** Apply runs allowed in all (the first and re-runs after failures). Default 4. */
  maxRuns?: number;
  /** Per-run deadline; a run that takes longer counts as a hang. Default 60 s. */
  runTimeoutMs?: number;
  /**
   * When a re-run refuses with DRIFT (someone else changed the cluster, e.g. scaled a workload),
   * plan again from the live cluster and apply that, as an operator would. The floors checked
   * stay the first plan's.
   */
  replanOnDrift?: boolean;
}

export interface ChaosRunReport {
  seed: number;
  /** 'threw': apply refused before doing anything (an SdrainError, exit 1 or 3). */
  runs: { status: ApplyResult['status'] | 'hang' | 'threw'; error?: string; ms: number }[];
  /** Invariant violations; the goal is none. */
  violations: string[];
  faults: Record<string, number>;
  retries: number;
  converged: boolean;
  /** Plans made again after a DRIFT refusal (replanOnDrift). */
  replans: number;
}

interface Floor {
  key: string;
  namespace: string;
  selector: Record<string, unknown> | undefined;
  floor: number;
}

function workloadFloors(sim: TestSim, plan: Plan): Floor[] {
  const floors = new Map<string, Floor>();
  for (const wave of plan.waves) {
    for (const a of wave.actions) {
      if (a.workload.kind !== 'Deployment' && a.workload.kind !== 'StatefulSet') continue;
      const key = `${a.workload.kind} ${a.workload.namespace}/${a.workload.name}`;
      const obj = sim.store.get<KubeObject & { spec?: { selector?: Record<string, unknown> } }>(a.workload.kind, a.workload.namespace, a.workload.name);
      const prev = floors.get(key);
      floors.set(key, { key, namespace: a.workload.namespace ?? 'default', selector: obj?.spec?.selector, floor: Math.max(prev?.floor ?? 0, a.expectedMinReady) });
    }
  }
  return [...floors.values()];
}

/** Ready, non-terminating pods matching a workload's selector, counted from the store. */
function readyCount(sim: TestSim, f: Floor): number {
  return sim.store
    .list<Pod>('Pod', { namespace: f.namespace })
    .filter((p) => labelSelectorMatches(f.selector as never, p.metadata.labels) && isPodReady(p) && !isTerminating(p)).length;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'hang'> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'hang'>((resolve) => (t = setTimeout(() => resolve('hang'), ms)))]).finally(() => clearTimeout(t));
}

/** Checks that a failed run's summary says what the cluster shows. */
function summaryMismatches(sim: TestSim, plan: Plan, result: ApplyResult): string[] {
  const out: string[] = [];
  for (const n of result.nodes ?? []) {
    const node = sim.store.get<Node>('Node', undefined, n.name);
    if (!!node?.spec?.unschedulable !== n.cordoned) out.push(`summary says node ${n.name} cordoned=${n.cordoned}, cluster says ${!!node?.spec?.unschedulable}`);
    for (const key of n.podsLeft) {
      const [ns, name] = key.split('/');
      const pod = sim.store.get<Pod>('Pod', ns, name ?? '');
      if (!pod || pod.spec.nodeName !== n.name) out.push(`summary lists pod ${key} left on ${n.name}, but it is not there`);
    }
  }
  for (const w of result.workloads) {
    if (w.status !== 'done') continue;
    const wave = plan.waves.find((x) => x.index === w.wave);
    const action = wave?.actions.find((a) => a.workload.kind === w.workload.kind && a.workload.namespace === w.workload.namespace && a.workload.name === w.workload.name);
    for (const [i, name] of (action?.pods ?? []).entries()) {
      const pod = sim.store.get<Pod>('Pod', action?.workload.namespace, name);
      if (pod && pod.metadata.uid === action?.podUids[i] && !isTerminating(pod)) out.push(`summary says ${w.workload.kind} ${w.workload.namespace}/${w.workload.name} done, but pod ${name} still runs`);
    }
  }
  return out;
}

/**
 * The apply lock as the CLI takes it (wait up to 30 s; 15 s lease): a lease whose creation
 * answer was lost is left without renewal and must expire before a re-run can take over, so
 * the test harness's 2 s wait would turn that into a spurious LOCKED.
 */
function chaosLock(sim: TestSim): ApplyDeps['lock'] {
  return {
    acquire: (signal) =>
      acquireLeaseLock({ kc: sim.kc, namespace: 'kube-system', holder: `chaos-${Math.random().toString(36).slice(2, 8)}`, durationSeconds: 15, now: Date.now, timeoutMs: 30_000, signal }),
  };
}

/** Runs one seeded chaos scenario and reports runs, faults and violations (never throws for a violation). */
export async function runChaos(opts: ChaosRunOptions): Promise<ChaosRunReport> {
  const seed = opts.faults.seed ?? 1;
  const text = opts.text ?? readFileSync(opts.file ?? '', 'utf8');
  const sim = await startTestSim({ yaml: text, podStartupMs: opts.podStartupMs ?? 600, seed, faults: opts.faults });
  let retries = 0;
  const offRetry = onKubeRetry(() => retries++);
  const report: ChaosRunReport = { seed, runs: [], violations: [], faults: {}, retries: 0, converged: false, replans: 0 };
  try {
    let plan = await planLive(sim, opts.specText);
    if (!plan.applicable) {
      report.violations.push('the plan is not applicable');
      return report;
    }
    // A workload already below its plan's floor when planned (still starting pods someone else
    // added) is held to what it had then: the plan's promise is not to take it lower.
    const floors = workloadFloors(sim, plan).map((f) => ({ ...f, floor: Math.min(f.floor, readyCount(sim, f)) }));
    const lowest = new Map<string, number>();
    const check = () => {
      for (const f of floors) {
        const n = readyCount(sim, f);
        if (n < (lowest.get(f.key) ?? Infinity)) lowest.set(f.key, n);
      }
    };
    check();
    const offStore = sim.store.on((e) => {
      if (e.kind === 'Pod') check();
    });
    const maxRuns = opts.maxRuns ?? 4;
    let lastEvents: ApplyEvent[] = [];
    for (let i = 0; i < maxRuns; i++) {
      const started = Date.now();
      let result: ApplyResult | 'hang';
      try {
        result = await withTimeout(runApply(plan, makeDeps(sim, { lock: chaosLock(sim), onEvent: (e) => (lastEvents = [...lastEvents.slice(-2), e]) })), opts.runTimeoutMs ?? 60_000);
      } catch (err) {
        // apply refuses before changing anything by throwing (lock, identity, drift, unreachable):
        // the CLI exits non-zero with the message. Anything but an SdrainError is a crash.
        const message = err instanceof Error ? err.message : String(err);
        report.runs.push({ status: 'threw', error: message, ms: Date.now() - started });
        if (!(err instanceof SdrainError)) report.violations.push(`apply run ${i + 1} crashed: ${(err as Error)?.constructor?.name}: ${message}`);
        else if (err.code === 'DRIFT' && opts.replanOnDrift) {
          plan = await planLive(sim, opts.specText);
          report.replans++;
        }
        continue;
      }
      if (result === 'hang') {
        report.runs.push({ status: 'hang', ms: Date.now() - started });
        report.violations.push(
          `apply run ${i + 1} did not finish within ${opts.runTimeoutMs ?? 60_000} ms; last events: ${lastEvents.map((e) => ('phase' in e ? `${e.type} ${e.phase}` : e.type)).join(', ')}`,
        );
        break;
      }
      report.runs.push({ status: result.status, error: result.error?.message, ms: Date.now() - started });
      if (result.status === 'done' || result.status === 'already-applied') {
        report.converged = true;
        break;
      }
      for (const m of summaryMismatches(sim, plan, result)) report.violations.push(`run ${i + 1}: ${m}`);
      if (result.error?.message.includes('    at ')) report.violations.push(`run ${i + 1}: the error message carries a stack trace`);
    }
    offStore();
    for (const f of floors) {
      const low = lowest.get(f.key) ?? 0;
      if (low < f.floor) report.violations.push(`${f.key} fell to ${low} ready, below the plan's floor of ${f.floor}`);
    }
    if (!report.converged) report.violations.push(`apply did not converge in ${maxRuns} runs`);
    else {
      for (const wave of plan.waves) {
        for (const nodeName of wave.nodes) {
          const node = sim.store.get<Node>('Node', undefined, nodeName);
          if (!node?.spec?.unschedulable) report.violations.push(`node ${nodeName} is not cordoned after a successful apply`);
        }
        for (const a of wave.actions) {
          for (const [i, name] of a.pods.entries()) {
            const pod = sim.store.get<Pod>('Pod', a.workload.namespace, name);
            if (pod && pod.metadata.uid === a.podUids[i] && wave.nodes.includes(pod.spec.nodeName ?? '')) report.violations.push(`pod ${a.workload.namespace}/${name} is still on ${pod.spec.nodeName} after a successful apply`);
          }
        }
      }
    }
  } finally {
    offRetry();
    report.retries = retries;
    report.faults = sim.sim.faultCounts();
    await sim.stop();
  }
  return report;
}

/** The fault mix of the chaos slice: every kind of transient fault at once. */
export function chaosFaults(seed: number): FaultConfig {
  return {
    seed,
    errors: [
      { rate: 0.12, codes: [500, 503, 429] },
      { verbs: ['patch', 'update'], rate: 0.1, codes: [409] },
    ],
    lostResponses: [{ verbs: ['create', 'update', 'patch', 'delete'], rate: 0.15 }],
    latency: [{ minMs: 0, maxMs: 30 }],
    watch: { breakRate: 0.25, endRate: 0.15, minMs: 100, maxMs: 1500, goneRate: 0.3 },
    unreachable: [{ fromMs: 1500 + (seed % 5) * 300, forMs: 700 }],
  };
}
