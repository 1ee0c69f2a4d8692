/**
 * Drift: re-plan from the live cluster with the plan's own spec and compare. A fresh apply
 * compares everything the planner decided on (fingerprint + the readable plan). A resumed
 * apply (this plan's marks are on the cluster) compares only the work that remains, because
 * its own moves legitimately changed pods, free capacity and availability. Any difference
 * refuses with a unified diff naming the objects.
 */
import { createTwoFilesPatch } from 'diff';
import { SdrainError } from '../errors.js';
import type { Plan, Wave } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { canonicalJson } from '../planfile/canonical-json.js';
import type { RenderForDiff, Replan } from './apply-deps.js';
import { normalizeOwnChanges } from './normalize-own-changes.js';
import { DRAINED_ANNOTATION } from './own-marks.js';

export interface DriftResult {
  /** This plan's marks were found: an earlier apply of it was interrupted. */
  resumed: boolean;
}

/** Fingerprint paths (up to three levels) whose values differ, sorted. */
export function fingerprintChanges(a: unknown, b: unknown, path = '', depth = 0): string[] {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (depth >= 3 || !isObj(a) || !isObj(b)) return [path || '(fingerprint)'];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  return keys.flatMap((k) =>
    fingerprintChanges((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, depth + 1),
  );
}

/**
 * The fingerprint as `fingerprint.a.b["c"] = value` lines (keys sorted, scalars as JSON), so a
 * changed fact shows in the diff as one readable line naming its object.
 */
export function fingerprintLines(value: unknown, prefix = 'fingerprint', out: string[] = []): string {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${prefix} = []`);
    value.forEach((v, i) => fingerprintLines(v, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.push(`${prefix} = {}`);
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) fingerprintLines(v, /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${JSON.stringify(k)}]`, out);
    }
  } else {
    out.push(`${prefix} = ${JSON.stringify(value)}`);
  }
  return prefix === 'fingerprint' ? out.map((l) => `${l}\n`).join('') : '';
}

const EMPTY_FINGERPRINT: Plan['fingerprint'] = { nodes: {}, targetNodes: {}, pods: {}, workloads: {}, pdbs: {}, hpas: {} };

/** Nodes whose wave this plan already finished. */
export function drainedNodes(live: Snapshot, digest: string): Set<string> {
  return new Set(live.nodes.filter((n) => n.metadata.annotations?.[DRAINED_ANNOTATION] === digest).map((n) => n.metadata.name));
}

/**
 * The part of a plan still to do: waves not yet finished, and in them only the pods that
 * still exist (by UID); capacity numbers and non-error findings are dropped because moving
 * pods changes them by design.
 */
export function remainingWork(plan: Plan, live: Snapshot, drained: Set<string>, reviewedUids?: Set<string>): Plan {
  // With reviewedUids (a resumed apply), only the reviewed plan's pods count: replacements this
  // plan's own earlier moves placed on a later wave's nodes are expected (apply moves them with
  // their workload, see arrived-pods.ts), and so is a different guess of where the next ones land
  // (surgePods and the "placed here by an earlier wave" note).
  const liveUids = new Set(
    live.pods.filter((p) => !p.metadata.deletionTimestamp && (!reviewedUids || reviewedUids.has(p.metadata.uid ?? ''))).map((p) => p.metadata.uid ?? ''),
  );
  const zero = { cpuMilli: 0, memory: 0, pods: 0 };
  const waves: Wave[] = plan.waves
    .filter((w) => !w.nodes.every((n) => drained.has(n)))
    .map((w) => ({
      ...w,
      surge: zero,
      free: zero,
      // Pods of this plan's own moves still terminating are no fact of the reviewed plan.
      untouched: reviewedUids ? w.untouched.filter((u) => u.reason !== 'terminating') : w.untouched,
      actions: w.actions
        .map((a) => {
          const keep = a.podUids.map((uid, i) => (liveUids.has(uid) ? i : -1)).filter((i) => i >= 0);
          const arrivals = reviewedUids ? { surgePods: 0, arrivedPods: 0 } : {};
          return { ...a, ...arrivals, pods: keep.map((i) => a.pods[i] ?? ''), podUids: keep.map((i) => a.podUids[i] ?? '') };
        })
        .filter((a) => a.pods.length > 0),
    }));
  return { ...plan, waves, findings: plan.findings.filter((f) => f.severity === 'error'), fingerprint: EMPTY_FINGERPRINT };
}

/**
 * Throws SdrainError DRIFT when the live cluster no longer gives the same plan. With a plan
 * written by another sdrain version (`toolVersion` is this one's), a difference may be the
 * planner's rather than the cluster's: it is refused as PLAN_REFUSED, saying to plan again
 * with this version.
 */
export function checkDrift(plan: Plan, live: Snapshot, deps: { replan: Replan; renderForDiff: RenderForDiff; file: string; toolVersion: string }): DriftResult {
  const { snapshot, own } = normalizeOwnChanges(live, plan.digest);
  // Identity was checked already; the cluster line is not a decision. The versions are compared
  // on their own (below), so that the diff shows what was decided differently.
  const fresh: Plan = { ...deps.replan(plan.spec, snapshot), cluster: plan.cluster, toolVersion: plan.toolVersion, formatVersion: plan.formatVersion };
  let before: string;
  let after: string;
  let changed: string[];
  if (!own.any) {
    before = deps.renderForDiff(plan) + fingerprintLines(plan.fingerprint);
    after = deps.renderForDiff(fresh) + fingerprintLines(fresh.fingerprint);
    changed = fingerprintChanges(plan.fingerprint, fresh.fingerprint);
    if (before === after && changed.length === 0) return { resumed: false };
  } else {
    const drained = drainedNodes(live, plan.digest);
    const reviewed = new Set(plan.waves.flatMap((w) => w.actions.flatMap((a) => a.podUids)));
    before = deps.renderForDiff(remainingWork(plan, live, drained, reviewed));
    after = deps.renderForDiff(remainingWork(fresh, live, drained, reviewed));
    if (before === after) return { resumed: true };
    changed = [];
  }
  const patch = createTwoFilesPatch(`${deps.file} (reviewed plan)`, 'plan from the live cluster now', before, after, undefined, undefined, { context: 3 });
  const body = patch.split('\n').slice(1).join('\n'); // drop the "====" banner line
  const what = changed.length ? `\nChanged: ${changed.slice(0, 20).join(', ')}${changed.length > 20 ? `, … (${changed.length} in all)` : ''}` : '';
  if (plan.toolVersion !== deps.toolVersion) {
    throw new SdrainError(
      'PLAN_REFUSED',
      `Refusing to apply ${deps.file}: it was planned by sdrain ${plan.toolVersion}, and sdrain ${deps.toolVersion} plans the cluster as it is now differently (its planner or the cluster changed); nothing was changed.${what}\n${body.trimEnd()}`,
      { hint: `Run \`sdrain plan\` again with sdrain ${deps.toolVersion}, review the new plan, then apply it with the same version.` },
    );
  }
  throw new SdrainError(
    'DRIFT',
    `Refusing to apply ${deps.file}: the cluster changed since the plan was made${own.any ? ' (beyond this plan\'s own progress)' : ''}; nothing was changed.${what}\n${body.trimEnd()}`,
    { hint: 'Run `sdrain plan` again against the cluster as it is now, review the new plan, then apply it.' },
  );
}
