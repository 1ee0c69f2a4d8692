/**
 * The figures of `npm run bench:fidelity` from the runs of each case: the planner against the
 * real scheduler (safety misses, false alarms, floors, exact-node share) and the simulator
 * against the real control plane (every observable both report, case by case). Pure.
 */
import type { BackendRun } from './fidelity-run.js';
import type { FidelityCase } from './fidelity-cases.js';
import type { Placement } from './fidelity-predict.js';

export interface CaseResult {
  c: FidelityCase;
  real: BackendRun;
  sim?: BackendRun;
}

export interface PlannerFigures {
  cases: number;
  /** Cases left out: setup incomplete on the real cluster, or the run errored. */
  skipped: number;
  applied: number;
  manual: number;
  /** Plan said the workload's replacements fit; the real scheduler left one Pending (cases, with details). */
  pendingMisses: string[];
  /** Real replacement on a node the planner's filters reject. */
  ruledOut: string[];
  /** Lowest serving count (independent observer) below the plan's floor, sdrain applying. */
  floorBroken: string[];
  /** Plan blocked/warned on placement, yet the real cluster placed every pod. */
  falseAlarms: string[];
  /** Plan blocked/warned on placement and the real cluster left pods Pending too. */
  justifiedBlocks: number;
  /** Replacements bound to the node the planner predicted / all replacements (apply cases). */
  exactNodes: number;
  replacements: number;
  /** Applies that did not exit 0 (with their last error line). */
  applyFailures: string[];
}

/**
 * Workloads the plan said would not (all) be placed: named by an UNPLACEABLE or
 * INSUFFICIENT_CAPACITY finding, or by AFFINITY_EVICT (spec.affinity evict: evicted although
 * the replacement fits nowhere); "*" when a finding names none.
 */
export function placementFlags(run: BackendRun): Set<string> {
  const out = new Set<string>();
  for (const f of run.plan?.findings ?? []) {
    const [severity, code, workload] = f.split(' ');
    if (severity !== 'info' && (code === 'UNPLACEABLE' || code === 'INSUFFICIENT_CAPACITY' || code === 'AFFINITY_EVICT')) out.add(workload ?? '*');
  }
  return out;
}

function sum(p: Placement | undefined): number {
  return Object.values(p ?? {}).reduce((a, b) => a + b, 0);
}

function samePlacement(a: Placement | undefined, b: Placement | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));
}

/** Predicted replacements per node: the predicted end state minus the pods that stayed. */
export function predictedReplacements(run: BackendRun, workload: string): Placement {
  const kept: Placement = {};
  for (const [node, n] of Object.entries(run.final[workload] ?? {})) kept[node] = n - (run.replacements[workload]?.[node] ?? 0);
  const out: Placement = {};
  for (const [node, n] of Object.entries(run.predicted?.[workload] ?? {})) {
    const r = n - (kept[node] ?? 0);
    if (r > 0) out[node] = r;
  }
  return out;
}

export function plannerFigures(results: CaseResult[]): PlannerFigures {
  const f: PlannerFigures = { cases: results.length, skipped: 0, applied: 0, manual: 0, pendingMisses: [], ruledOut: [], floorBroken: [], falseAlarms: [], justifiedBlocks: 0, exactNodes: 0, replacements: 0, applyFailures: [] };
  for (const { c, real } of results) {
    if (!real.setupOk || real.error || !real.plan) {
      f.skipped++;
      continue;
    }
    const flagged = placementFlags(real);
    const pendingApps = Object.keys(real.pending);
    if (real.mode === 'apply') f.applied++;
    if (real.mode === 'manual') f.manual++;
    for (const r of real.ruledOut) f.ruledOut.push(`${c.id}: ${r}`);
    if (flagged.size > 0) {
      // A false alarm: no workload the plan flagged kept a pod Pending (any, for an unnamed flag).
      const confirmed = flagged.has('*') ? pendingApps.length > 0 : pendingApps.some((a) => flagged.has(a));
      if (!confirmed) f.falseAlarms.push(`${c.id}: ${real.plan.findings.filter((x) => /UNPLACEABLE|INSUFFICIENT_CAPACITY|AFFINITY_EVICT/.test(x)).join(', ')}`);
      else f.justifiedBlocks++;
    }
    if (real.mode !== 'apply') continue;
    if (real.applyExit !== 0) f.applyFailures.push(`${c.id}: exit ${real.applyExit}: ${real.applyError ?? ''}`);
    for (const app of pendingApps) {
      if (!flagged.has(app) && !flagged.has('*')) f.pendingMisses.push(`${c.id}: ${app} ${real.pending[app]!.count} Pending (${real.pending[app]!.message})`);
    }
    for (const [w, floor] of Object.entries(real.plan.floors)) {
      const min = real.minReady[w];
      if (min !== undefined && min < floor) f.floorBroken.push(`${c.id}: ${w} lowest ${min} < floor ${floor}`);
    }
    for (const w of Object.keys(real.plan.floors)) {
      const predicted = predictedReplacements(real, w);
      for (const [node, n] of Object.entries(real.replacements[w] ?? {})) {
        f.replacements += n;
        f.exactNodes += Math.min(n, predicted[node] ?? 0);
      }
    }
  }
  return f;
}

/** One observable compared between the simulator and the real control plane. */
export interface Agreement {
  what: string;
  compared: number;
  agree: number;
  /** The first differences, "case: real … / sim …". */
  examples: string[];
}

function agreement(what: string): Agreement {
  return { what, compared: 0, agree: 0, examples: [] };
}

function note(a: Agreement, same: boolean, example: () => string): void {
  a.compared++;
  if (same) a.agree++;
  else if (a.examples.length < 8) a.examples.push(example());
}

const fmtP = (p: Record<string, Placement> | undefined) =>
  Object.entries(p ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([w, m]) => `${w} ${Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, k]) => `${n.replace(/^.*-(n\d+)$/, '$1')}×${k}`).join(' ')}`)
    .join('; ');

export interface SimFigures {
  pairs: number;
  /** Rows after `initial` compare only the cases whose initial placement agreed (the same pods to move). */
  rows: Agreement[];
  /** Per case: sim apply time ÷ real apply time (apply cases on both). */
  applyRatios: number[];
  /** Median ms from a replacement's creation to Ready, per backend, against the configured start-ups. */
  readyMs: { real: number[]; sim: number[]; configured: number[] };
  /** Median ms from a pod turning terminating to gone, per backend (grace period 1 s). */
  goneMs: { real: number[]; sim: number[] };
  simFloorBroken: string[];
}

export function simFigures(results: CaseResult[]): SimFigures {
  const rows = {
    setup: agreement('every pod of the case placed and Ready before planning (setup feasible)'),
    initial: agreement('initial placement (pods per node per workload)'),
    planOutcome: agreement('plan outcome (applicable, workloads flagged UNPLACEABLE / INSUFFICIENT_CAPACITY / AFFINITY_EVICT)'),
    floors: agreement("plan floors and methods"),
    feasibility: agreement('placement feasibility after the move (which workloads keep pods Pending)'),
    final: agreement('final placement (pods per node per workload)'),
    minReady: agreement('lowest ready count per workload (independent observer)'),
    evictions: agreement('evictions answered 429 (apply evict-retry events) / evictions done'),
    pdbBefore: agreement('PDB status before (disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods)'),
    pdbAfter: agreement('PDB status after'),
    rollout: agreement('Deployment/StatefulSet status as `kubectl rollout status` reads it, after'),
    applyExit: agreement('apply exit code'),
  };
  const out: SimFigures = { pairs: 0, rows: Object.values(rows), applyRatios: [], readyMs: { real: [], sim: [], configured: [] }, goneMs: { real: [], sim: [] }, simFloorBroken: [] };
  for (const { c, real, sim } of results) {
    if (!sim || real.error || sim.error) continue;
    out.pairs++;
    note(rows.setup, real.setupOk === sim.setupOk, () => `${c.id}: real ${real.setupOk ? 'ok' : `pending ${real.setupProblem}`} / sim ${sim.setupOk ? 'ok' : `pending ${sim.setupProblem}`}`);
    if (!real.setupOk || !sim.setupOk || !real.plan || !sim.plan) continue;
    note(rows.initial, Object.keys({ ...real.initial, ...sim.initial }).every((w) => samePlacement(real.initial[w], sim.initial[w])), () => `${c.id}: real ${fmtP(real.initial)} / sim ${fmtP(sim.initial)}`);
    if (!Object.keys({ ...real.initial, ...sim.initial }).every((w) => samePlacement(real.initial[w], sim.initial[w]))) continue;
    const po = (r: BackendRun) => `${r.plan!.applicable ? 'applicable' : 'blocked'} [${[...placementFlags(r)].sort().join(',')}]`;
    note(rows.planOutcome, po(real) === po(sim), () => `${c.id}: real ${po(real)} / sim ${po(sim)}`);
    const fl = (r: BackendRun) => JSON.stringify(Object.entries(r.plan!.floors).sort().map(([w, n]) => [w, n, r.plan!.methods[w]]));
    note(rows.floors, fl(real) === fl(sim), () => `${c.id}: real ${fl(real)} / sim ${fl(sim)}`);
    const pend = (r: BackendRun) => Object.keys(r.pending).sort().join(',') || 'none';
    note(rows.feasibility, pend(real) === pend(sim), () => `${c.id}: real ${pend(real)} / sim ${pend(sim)}`);
    note(rows.final, Object.keys({ ...real.final, ...sim.final }).every((w) => samePlacement(real.final[w], sim.final[w])), () => `${c.id}: real ${fmtP(real.final)} / sim ${fmtP(sim.final)}`);
    const mr = (r: BackendRun) => JSON.stringify(Object.entries(r.minReady).sort());
    note(rows.minReady, mr(real) === mr(sim), () => `${c.id}: real ${mr(real)} / sim ${mr(sim)}`);
    if (real.mode === 'apply' && sim.mode === 'apply') {
      note(rows.evictions, real.evictRetries === sim.evictRetries && real.evictions === sim.evictions, () => `${c.id}: real ${real.evictRetries}×429/${real.evictions} / sim ${sim.evictRetries}×429/${sim.evictions}`);
      note(rows.applyExit, real.applyExit === sim.applyExit, () => `${c.id}: real ${real.applyExit} / sim ${sim.applyExit}`);
      if (real.applyMs && sim.applyMs) out.applyRatios.push(sim.applyMs / real.applyMs);
      for (const [w, floor] of Object.entries(sim.plan.floors)) {
        const min = sim.minReady[w];
        if (min !== undefined && min < floor) out.simFloorBroken.push(`${c.id}: ${w} lowest ${min} < floor ${floor}`);
      }
    }
    note(rows.pdbBefore, JSON.stringify(real.pdbBefore) === JSON.stringify(sim.pdbBefore), () => `${c.id}: real ${JSON.stringify(real.pdbBefore)} / sim ${JSON.stringify(sim.pdbBefore)}`);
    note(rows.pdbAfter, JSON.stringify(real.pdbAfter) === JSON.stringify(sim.pdbAfter), () => `${c.id}: real ${JSON.stringify(real.pdbAfter)} / sim ${JSON.stringify(sim.pdbAfter)}`);
    note(rows.rollout, JSON.stringify(real.rollout) === JSON.stringify(sim.rollout), () => `${c.id}: real ${JSON.stringify(real.rollout)} / sim ${JSON.stringify(sim.rollout)}`);
    if (real.startupMs !== undefined && sim.startupMs !== undefined) {
      out.readyMs.real.push(real.startupMs);
      out.readyMs.sim.push(sim.startupMs);
      const starts = c.workloads.map((w) => w.startupMs).sort((a, b) => a - b);
      out.readyMs.configured.push(starts[Math.floor(starts.length / 2)]!);
    }
    if (real.terminationMs !== undefined && sim.terminationMs !== undefined) {
      out.goneMs.real.push(real.terminationMs);
      out.goneMs.sim.push(sim.terminationMs);
    }
  }
  return out;
}

export { sum as placementSize };
