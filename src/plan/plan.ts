/**
 * The planner: maintenance spec + cluster snapshot → Plan. Pure and deterministic: no clock,
 * randomness, network or process; every collection is sorted with code-unit comparators, so the
 * same inputs give the same Plan whatever order the objects arrived in. The digest is left ''
 * (src/planfile computes it over the canonical JSON).
 */
import { PLAN_API_VERSION, PLAN_FORMAT_VERSION, type Finding, type Plan, type Wave } from '../model/plan.js';
import type { MaintenanceSpec } from '../model/spec.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildClusterIndex } from './cluster-index.js';
import { estimatePlan, windowFinding as windowTooShort } from './estimate-duration.js';
import { sortFindings } from './finding-order.js';
import { fingerprint } from './fingerprint.js';
import { orderWaves } from './order-waves.js';
import { newPlanContext, planWave } from './plan-wave.js';
import { selectNodes } from './select-nodes.js';

export interface PlanOptions {
  /** sdrain version recorded in the plan. */
  toolVersion: string;
}

function windowFinding(spec: MaintenanceSpec): Finding | undefined {
  const w = spec.spec.window;
  if (!w || (w.notBefore === undefined && w.notAfter === undefined)) return undefined;
  const parts = [w.notBefore ? `not before ${w.notBefore}` : '', w.notAfter ? `not after ${w.notAfter}` : ''].filter(Boolean);
  return { severity: 'info', code: 'WINDOW', message: `The maintenance may only run ${parts.join(' and ')}: apply checks the clock before each wave` };
}

export function plan(spec: MaintenanceSpec, snapshot: Snapshot, opts: PlanOptions): Plan {
  const index = buildClusterIndex(snapshot);
  const selection = selectNodes(spec, index);
  const findings: Finding[] = selection.findings.map((f) => {
    const out: Finding = { severity: f.severity, code: f.code, message: f.message };
    if (f.node !== undefined) out.node = f.node;
    if (f.hint !== undefined) out.hint = f.hint;
    return out;
  });
  const wf = windowFinding(spec);
  if (wf) findings.push(wf);

  const ctx = newPlanContext(spec, snapshot, index);
  const waves: Wave[] = [];
  const groups = orderWaves(selection.nodes, spec, index.nodes);
  groups.forEach((nodes, i) => {
    const outcome = planWave(ctx, nodes, i + 1);
    // Waves whose every node was skipped disappear: renumber so waves stay 1..n.
    const number = outcome.wave ? waves.length + 1 : undefined;
    for (const f of outcome.findings) {
      if (number !== undefined) f.wave = number;
      else delete f.wave;
      findings.push(f);
    }
    if (outcome.wave) waves.push({ ...outcome.wave, index: number! });
  });

  const estimate = estimatePlan(waves, findings, spec, index);
  const short = windowTooShort(spec, waves, estimate);
  if (short) findings.push(short);
  const sorted = sortFindings(findings);
  const drained = waves.flatMap((w) => w.nodes);
  return {
    apiVersion: PLAN_API_VERSION,
    kind: 'Plan',
    formatVersion: PLAN_FORMAT_VERSION,
    digest: '',
    toolVersion: opts.toolVersion,
    spec,
    cluster: { ...snapshot.cluster },
    waves,
    findings: sorted,
    applicable: !sorted.some((f) => f.severity === 'error'),
    fingerprint: fingerprint({ index, targetNodes: drained, workloads: [...ctx.workloads.values()] }),
    estimate,
  };
}
