/**
 * How long apply will take, per workload move, per wave and in total — from facts in the
 * snapshot, never from a clock: how long this workload's current pods took from creation to
 * Ready, its minReadySeconds, the moved pods' termination grace periods and preStop sleeps, the
 * rolling strategy's batches and apply's one-at-a-time evictions; and from what the spec states
 * where the snapshot cannot know (spec.estimate: how the pods shut down; afterEach.expectedDuration).
 * A missing fact falls back to a stated default and the estimate says so (basis `default`,
 * shutdownBasis `default`); afterEach is `unknown` unless the spec states its duration. The
 * shutdown model is src/plan/estimate-shutdown.ts. Pure and deterministic.
 *
 * The model follows what src/apply does for each method:
 * - surge: the surge pods start together (start-up + minReadySeconds), then the marked pods go (shutdown);
 * - roll: ⌈replicas ÷ (maxSurge + maxUnavailable)⌉ rounds of start-up + minReadySeconds, then the
 *   last old pods' shutdown; a StatefulSet replaces one pod at a time (shutdown + start-up each);
 * - evict: one pod at a time; a StatefulSet's replacement starts only after the old pod is gone
 *   (shutdown + start-up), a Deployment's starts at once (the longer of the two);
 *   a PodDisruptionBudget cannot make it faster (apply never has two evictions in flight);
 * - delete, and evictions of pods nothing waits for: the shutdown.
 */
import type { Pod } from '../model/k8s.js';
import type { Action, ActionEstimate, EstimateBasis, Finding, PlanEstimate, Wave, WaveEstimate } from '../model/plan.js';
import type { MaintenanceSpec } from '../model/spec.js';
import type { ClusterIndex } from './cluster-index.js';
import { objectKey } from './compare.js';
import { SHUTDOWN_CAP_SECONDS, estimateShutdown, podsPreStopSeconds, shutdownStatementFor } from './estimate-shutdown.js';

/** Start-up assumed for a workload without a ready pod carrying creation and Ready timestamps. */
export const DEFAULT_STARTUP_SECONDS = 10;
export { SHUTDOWN_CAP_SECONDS };
/** API round trips and controller reaction per sequential step (patch → watch → status). */
export const STEP_OVERHEAD_SECONDS = 0.25;

const round1 = (s: number): number => Math.round(s * 10) / 10;

function parseTime(t: string | undefined): number | undefined {
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * One pod's time to become ready, in seconds, from its timestamps: creation (else status.startTime)
 * to the Ready condition's lastTransitionTime. A pod whose containers restarted became Ready
 * again after the restart, so it is measured from its latest container start instead.
 * undefined when the pod is not ready, a timestamp is missing, or both are the same instant.
 */
export function observedStartupSeconds(pod: Pod): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'True') return undefined;
  const readyAt = parseTime(ready.lastTransitionTime);
  if (readyAt === undefined) return undefined;
  let start = parseTime(pod.metadata.creationTimestamp) ?? parseTime(pod.status?.startTime);
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.some((c) => (c.restartCount ?? 0) > 0)) {
    for (const c of statuses) {
      const running = (c.state as { running?: { startedAt?: string } } | undefined)?.running;
      const at = parseTime(running?.startedAt);
      if (at !== undefined && (start === undefined || at > start)) start = at;
    }
  }
  // Ready at the very instant of creation is no measurement: a restored or hand-written object
  // (Kubernetes timestamps have whole seconds, and no kubelet starts a pod in no time).
  if (start === undefined || readyAt <= start) return undefined;
  return (readyAt - start) / 1000;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The workload's own pods (a Deployment's through its ReplicaSets), canonical order. */
function workloadPods(index: ClusterIndex, a: Action): Pod[] {
  const ns = a.workload.namespace;
  if (a.workload.kind === 'Deployment') {
    const sets = index.replicaSetsByController.get(objectKey('Deployment', ns, a.workload.name)) ?? [];
    return sets.flatMap((rs) => index.podsByController.get(objectKey('ReplicaSet', ns, rs.metadata.name)) ?? []);
  }
  if (a.workload.kind === 'Pod') return [];
  return index.podsByController.get(objectKey(a.workload.kind, ns, a.workload.name)) ?? [];
}

function minReadySecondsOf(index: ClusterIndex, a: Action): number {
  const owner = index.owners.get(objectKey(a.workload.kind, a.workload.namespace, a.workload.name));
  const v = (owner?.spec as { minReadySeconds?: unknown } | undefined)?.minReadySeconds;
  return typeof v === 'number' && v > 0 ? v : 0;
}

/** The moved pods (this workload's pods on the wave's nodes), in the index's order. */
function movedPods(index: ClusterIndex, wave: Wave, a: Action): Pod[] {
  const names = new Set(a.pods);
  const out: Pod[] = [];
  for (const node of wave.nodes) {
    for (const p of index.podsByNode.get(node) ?? []) {
      if ((p.metadata.namespace ?? '') === (a.workload.namespace ?? '') && names.has(p.metadata.name)) out.push(p);
    }
  }
  return out;
}

/** The longest terminationGracePeriodSeconds among the pods (default 30). */
function graceSecondsOf(pods: readonly Pod[]): number {
  let grace = -1;
  for (const p of pods) grace = Math.max(grace, p.spec.terminationGracePeriodSeconds ?? 30);
  return grace < 0 ? 30 : grace;
}

const fmt = (s: number): string => `${round1(s)} s`;

/**
 * The estimate of one move; `acceptsLoss`: the plan accepts that its replacements stay Pending.
 * `spec` supplies the shutdown statement (spec.estimate), if it has one.
 */
export function estimateAction(index: ClusterIndex, wave: Wave, a: Action, acceptsLoss: boolean, spec: MaintenanceSpec): ActionEstimate {
  const samples = workloadPods(index, a).map(observedStartupSeconds).filter((s): s is number => s !== undefined);
  const startup = samples.length > 0 ? median(samples) : DEFAULT_STARTUP_SECONDS;
  const startupText = samples.length > 0 ? `start-up ${fmt(startup)} (median of ${samples.length} ready pod(s))` : `start-up ${fmt(startup)} (default: no ready pod with timestamps)`;
  const minReady = minReadySecondsOf(index, a);
  const moved = movedPods(index, wave, a);
  const grace = graceSecondsOf(moved);
  const stop = estimateShutdown(grace, podsPreStopSeconds(moved), shutdownStatementFor(spec, a.workload));
  const bring = startup + minReady;
  const up = `${startupText}${minReady > 0 ? ` + minReadySeconds ${minReady} s` : ''}`;
  const n = Math.max(1, a.pods.length);
  const likely = durationWith(stop.seconds, ` (${stop.text})`);
  const atMost = durationWith(stop.maxSeconds, '');
  const out: ActionEstimate = {
    seconds: round1(likely.seconds),
    maxSeconds: round1(Math.max(likely.seconds, atMost.seconds)),
    basis: samples.length > 0 || !likely.formula.includes('start-up') ? 'observed' : 'default',
    startupSeconds: round1(startup),
    observedPods: samples.length,
    minReadySeconds: minReady,
    shutdownSeconds: round1(stop.seconds),
    shutdownBasis: stop.basis,
    shutdownModel: stop.model,
    graceSeconds: grace,
    rounds: likely.rounds,
    formula: likely.formula,
  };
  if (stop.preStopSeconds !== undefined) out.preStopSeconds = stop.preStopSeconds;
  if (stop.override !== undefined) out.shutdownOverride = stop.override;
  return out;

  /** The move's time when each pod takes `shutdown` seconds to go; `why` follows the shutdown in the formula. */
  function durationWith(shutdown: number, why: string): { seconds: number; rounds: number; formula: string } {
    const stopText = `shutdown ${fmt(shutdown)}${why}`;
    let rounds = 1;
    let seconds: number;
    let formula: string;
    const waitsForReplacements = !acceptsLoss && (a.workload.kind === 'Deployment' || a.workload.kind === 'StatefulSet');
    if (a.method === 'delete' || (a.method === 'evict' && !waitsForReplacements)) {
      seconds = shutdown + STEP_OVERHEAD_SECONDS;
      formula = `${a.method === 'delete' ? 'delete' : 'evict'} ${a.pods.length} pod(s), wait for ${stopText}`;
    } else if (a.method === 'surge') {
      seconds = bring + shutdown + 2 * STEP_OVERHEAD_SECONDS;
      formula = `${a.surgePods} surge pod(s) together: ${up}; then ${stopText}`;
    } else if (a.method === 'roll' && a.workload.kind === 'StatefulSet') {
      rounds = Math.max(1, a.replicas - (a.strategy.partition ?? 0));
      seconds = rounds * (shutdown + bring + STEP_OVERHEAD_SECONDS);
      formula = `${rounds} pod(s) one at a time × (${stopText} + ${up})`;
    } else if (a.method === 'roll') {
      const batch = Math.max(1, a.strategy.maxSurge + a.strategy.maxUnavailable);
      rounds = Math.max(1, Math.ceil(a.replicas / batch));
      seconds = rounds * (bring + STEP_OVERHEAD_SECONDS) + shutdown;
      formula = `${rounds} round(s) of ${batch} (maxSurge ${a.strategy.maxSurge} + maxUnavailable ${a.strategy.maxUnavailable}) × (${up}); then ${stopText}`;
    } else {
      rounds = n;
      const each = a.workload.kind === 'StatefulSet' ? shutdown + bring : Math.max(shutdown, bring);
      seconds = rounds * (each + STEP_OVERHEAD_SECONDS);
      formula =
        a.workload.kind === 'StatefulSet'
          ? `${rounds} eviction(s) one at a time × (${stopText} + ${up})`
          : `${rounds} eviction(s) one at a time × the longer of ${stopText} and ${up}`;
    }
    return { seconds, rounds, formula };
  }
}

/** The weaker of two bases: unknown < default < spec < observed. */
function weaker(a: EstimateBasis, b: EstimateBasis): EstimateBasis {
  const order: EstimateBasis[] = ['unknown', 'default', 'spec', 'observed'];
  return order.indexOf(a) <= order.indexOf(b) ? a : b;
}

export function estimateWave(wave: Wave, spec: MaintenanceSpec): WaveEstimate {
  let basis: EstimateBasis = 'observed';
  let moveSeconds = 0;
  let moveMax = 0;
  for (const a of wave.actions) {
    if (!a.estimate) continue;
    moveSeconds = Math.max(moveSeconds, a.estimate.seconds);
    moveMax = Math.max(moveMax, a.estimate.maxSeconds ?? a.estimate.seconds);
    basis = weaker(basis, a.estimate.basis);
  }
  const out: WaveEstimate = { seconds: 0, maxSeconds: 0, basis, moveSeconds: round1(moveSeconds), afterEachSeconds: 0 };
  const after = spec.spec.afterEach;
  if (after) {
    const known = after.expectedSeconds !== undefined;
    out.afterEachSeconds = known ? after.expectedSeconds! * wave.nodes.length : 0;
    out.afterEachBasis = known ? 'spec' : 'unknown';
    out.basis = weaker(basis, out.afterEachBasis);
  }
  // Cordon before, drained marks after: one step each.
  out.seconds = round1(moveSeconds + out.afterEachSeconds + 2 * STEP_OVERHEAD_SECONDS);
  out.maxSeconds = round1(moveMax + out.afterEachSeconds + 2 * STEP_OVERHEAD_SECONDS);
  return out;
}

/** Fills `estimate` on every action and wave (in place) and returns the plan's. */
export function estimatePlan(waves: Wave[], findings: readonly Finding[], spec: MaintenanceSpec, index: ClusterIndex): PlanEstimate {
  const lossAccepted = new Set(
    findings.filter((f) => f.code === 'AFFINITY_EVICT' && f.object).map((f) => `${f.wave}\u0000${objectKey(f.object!.kind, f.object!.namespace, f.object!.name)}`),
  );
  let seconds = 0;
  let maxSeconds = 0;
  let basis: EstimateBasis = 'observed';
  const defaults: string[] = [];
  /** Workloads whose shutdown is the 1 s assumption and whose grace period allows longer. */
  const assumedStop: string[] = [];
  for (const wave of waves) {
    for (const a of wave.actions) {
      const key = `${wave.index}\u0000${objectKey(a.workload.kind, a.workload.namespace, a.workload.name)}`;
      a.estimate = estimateAction(index, wave, a, lossAccepted.has(key), spec);
      const name = `${a.workload.kind} ${a.workload.namespace ? `${a.workload.namespace}/` : ''}${a.workload.name}`;
      if (a.estimate.basis === 'default') defaults.push(name);
      if (a.estimate.shutdownBasis === 'default' && (a.estimate.maxSeconds ?? 0) > a.estimate.seconds + 0.05) assumedStop.push(name);
    }
    wave.estimate = estimateWave(wave, spec);
    seconds += wave.estimate.seconds;
    maxSeconds += wave.estimate.maxSeconds ?? wave.estimate.seconds;
    basis = weaker(basis, wave.estimate.basis);
  }
  const caveats: string[] = [];
  const list = (names: string[]): string => {
    const unique = [...new Set(names)];
    return `${unique.length} workload(s) (${unique.slice(0, 5).join(', ')}${unique.length > 5 ? ', …' : ''})`;
  };
  if (defaults.length > 0) {
    caveats.push(`No observed start-up time for ${list(defaults)}: ${DEFAULT_STARTUP_SECONDS} s assumed per pod`);
  }
  if (spec.spec.afterEach && spec.spec.afterEach.expectedSeconds === undefined) {
    caveats.push('afterEach has no expectedDuration: its time is not included (set spec.afterEach.expectedDuration)');
  }
  if (assumedStop.length > 0) {
    caveats.push(
      `Pods of ${list(assumedStop)} are assumed to exit within ${SHUTDOWN_CAP_SECONDS} s of SIGTERM (no preStop sleep, no spec.estimate.shutdown); if they use their whole terminationGracePeriodSeconds it takes up to ${formatEstimate(maxSeconds)} (state it with spec.estimate.shutdown: whole-grace or a duration)`,
    );
  } else if (maxSeconds > seconds + 0.05) {
    caveats.push(`If the pods use their whole terminationGracePeriodSeconds it takes up to ${formatEstimate(maxSeconds)}`);
  }
  return { seconds: round1(seconds), maxSeconds: round1(maxSeconds), basis, caveats };
}

/** "45 s", "~3 min", "~1 h 20 min": how the renderings show an estimate. */
export function formatEstimate(seconds: number): string {
  if (seconds < 90) return `~${Math.max(1, Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  if (min < 90) return `~${min} min`;
  return `~${Math.floor(min / 60)} h ${min % 60} min`;
}

/**
 * WINDOW_TOO_SHORT when the estimate does not fit between notBefore and notAfter (only a window
 * with both ends has a length the planner can know without a clock; apply checks the rest when
 * it starts). Names the first wave that would start after notAfter: apply refuses to start it.
 */
export function windowFinding(spec: MaintenanceSpec, waves: readonly Wave[], estimate: PlanEstimate): Finding | undefined {
  const w = spec.spec.window;
  if (!w?.notBefore || !w.notAfter) return undefined;
  const length = (Date.parse(w.notAfter) - Date.parse(w.notBefore)) / 1000;
  if (!(estimate.seconds > length)) return undefined;
  let start = 0;
  let late: number | undefined;
  for (const wave of waves) {
    if (start > length) {
      late = wave.index;
      break;
    }
    start += wave.estimate?.seconds ?? 0;
  }
  return {
    severity: 'warning',
    code: 'WINDOW_TOO_SHORT',
    message: `The maintenance is estimated to take ${formatEstimate(estimate.seconds)} (${estimate.seconds} s${estimate.maxSeconds !== undefined && estimate.maxSeconds > estimate.seconds ? `, up to ${estimate.maxSeconds} s with whole grace periods` : ''}) but its window is ${formatEstimate(length)} (${w.notBefore} to ${w.notAfter})${
      late !== undefined ? `: wave ${late} would start after the window closes, and apply refuses to start it` : ': the last wave would still be running when the window closes'
    }`,
    hint: 'Widen spec.window, raise spec.concurrency, or split the maintenance into several plans',
  };
}
