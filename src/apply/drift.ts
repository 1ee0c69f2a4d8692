/**
 * Drift: re-plan from the live cluster with the plan's own spec and compare the structured
 * projections of both plans (drift-projection.ts). A fresh apply compares everything the
 * planner decided on (the work, the findings, the fingerprint). A resumed
 * apply (this plan's marks are on the cluster) compares only the work that remains, because
 * its own moves legitimately changed pods, free capacity and availability. Any difference
 * refuses with a unified diff naming the objects.
 */
import { createTwoFilesPatch } from 'diff';
import { DriftError } from '../errors.js';
import type { Plan, Wave } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Replan } from './apply-deps.js';
import { changedPaths, driftProjection, projectionLines } from './drift-projection.js';
import { normalizeOwnChanges } from './normalize-own-changes.js';
import { DRAINED_ANNOTATION } from './own-marks.js';

export interface DriftResult {
  /** This plan's marks were found: an earlier apply of it was interrupted. */
  resumed: boolean;
}

/** Fingerprint paths (up to three levels) whose values differ, sorted. */
export function fingerprintChanges(a: unknown, b: unknown): string[] {
  return changedPaths(a, b, 3).map((p) => (p === '(plan)' ? '(fingerprint)' : p));
}

/** The fingerprint as `fingerprint.a.b["c"] = value` lines (the projection's form). */
export function fingerprintLines(value: unknown): string {
  return projectionLines(value, 'fingerprint').map((l) => `${l}\n`).join('');
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
 * Throws DriftError DRIFT when the live cluster no longer gives the same plan: the two plans'
 * projections (drift-projection.ts) are compared, and only then rendered as a diff. With a plan
 * written by another sdrain version (`toolVersion` is this one's), a difference may be the
 * planner's rather than the cluster's: it is refused as PLAN_REFUSED, saying to plan again with
 * this version.
 */
export function checkDrift(plan: Plan, live: Snapshot, deps: { replan: Replan; file: string; toolVersion: string }): DriftResult {
  const { snapshot, own } = normalizeOwnChanges(live, plan.digest);
  const fresh = deps.replan(plan.spec, snapshot);
  let before: ReturnType<typeof driftProjection>;
  let after: ReturnType<typeof driftProjection>;
  if (!own.any) {
    before = driftProjection(plan);
    after = driftProjection(fresh);
  } else {
    const drained = drainedNodes(live, plan.digest);
    const reviewed = new Set(plan.waves.flatMap((w) => w.actions.flatMap((a) => a.podUids)));
    before = driftProjection(remainingWork(plan, live, drained, reviewed));
    after = driftProjection(remainingWork(fresh, live, drained, reviewed));
  }
  const changed = changedPaths(before, after);
  if (changed.length === 0) return { resumed: own.any };
  const text = (p: typeof before) => projectionLines(p, '').map((l) => `${l}\n`).join('');
  const patch = createTwoFilesPatch(`${deps.file} (reviewed plan)`, 'plan from the live cluster now', text(before), text(after), undefined, undefined, { context: 3 });
  const diff = patch.split('\n').slice(1).join('\n').trimEnd(); // drop the "====" banner line
  if (plan.toolVersion !== deps.toolVersion) {
    throw new DriftError(
      'PLAN_REFUSED',
      `Refusing to apply ${deps.file}: it was planned by sdrain ${plan.toolVersion}, and sdrain ${deps.toolVersion} plans the cluster as it is now differently (its planner or the cluster changed); nothing was changed`,
      { changed, diff, hint: `Run \`sdrain plan\` again with sdrain ${deps.toolVersion}, review the new plan, then apply it with the same version.` },
    );
  }
  throw new DriftError(
    'DRIFT',
    `Refusing to apply ${deps.file}: the cluster changed since the plan was made${own.any ? " (beyond this plan's own progress)" : ''}; nothing was changed`,
    { changed, diff, hint: 'Run `sdrain plan` again against the cluster as it is now, review the new plan, then apply it.' },
  );
}
