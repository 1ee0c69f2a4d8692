/**
 * surge: mark the pods being moved with a low pod-deletion-cost, raise replicas by their
 * number, wait until the extra pods are ready elsewhere, then scale back so the ReplicaSet
 * removes the marked pods. Ready replicas never drop below the original count. The original
 * replica count is recorded on the Deployment (sdrain.io/surge) before scaling, so a resumed
 * apply continues instead of surging twice, and an interrupted one can scale back.
 *
 * Someone else changing the replicas while the surge is up (an HPA or a GitOps controller the
 * planner did not see): sdrain does not fight the other writer. It stops the surge without
 * writing replicas again — the other writer owns the count now — removes its surge record and
 * the marks on the pods it was moving, and fails the move with a message naming the numbers.
 * Scaling back to the original would undo the other writer's decision (and an HPA would only
 * scale up again); guessing a new target would be a change nobody reviewed. The pods still on
 * the node stay there, the node stays cordoned, and the summary says so; plan again (the new
 * plan sees the new replica count, or the HPA and then uses roll) and apply that.
 */
import { Interrupted } from '../wait-for.js';
import {
  MOVE_DELETION_COST,
  PLAN_DIGEST_ANNOTATION,
  POD_DELETION_COST_ANNOTATION,
  SURGE_ANNOTATION,
  formatSurge,
  parseSurge,
  surgeKey,
} from '../own-marks.js';
import { currentWorkload, describeWorkload, emitStep, podsLeft, readyOf, settled, settledStatus, waitMove, type ActionContext } from '../action-context.js';
import type { Deployment, Pod } from '../../model/k8s.js';
import { SdrainError } from '../../errors.js';

export async function surge(ctx: ActionContext): Promise<void> {
  const ref = ctx.action.workload;
  const ns = ref.namespace ?? 'default';
  const key = surgeKey(ctx.plan.digest, ctx.wave.index);
  const dep = await ctx.gateway.getWorkload('Deployment', ns, ref.name);
  if (!dep) throw new SdrainError('APPLY_FAILED', `Cannot surge ${describeWorkload(ctx)}: it no longer exists`);
  const recorded = parseSurge(dep.metadata.annotations?.[SURGE_ANNOTATION]);
  const left = podsLeft(ctx).filter((p) => !p.metadata.deletionTimestamp);
  const scalingDown = left.every((p) => p.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] === MOVE_DELETION_COST) && (dep.status?.replicas ?? 0) > (dep.spec.replicas ?? 1);
  if (!recorded && (left.length === 0 || scalingDown)) {
    // Nothing left to move (a resumed apply after the scale-back): just wait for full strength.
    await waitMove(ctx, 'waiting for full strength', () => settled(ctx), () => settledStatus(ctx));
    return;
  }
  if (recorded && recorded.key !== key) {
    throw new SdrainError('APPLY_FAILED', `Cannot surge ${describeWorkload(ctx)}: it is already being surged by "${recorded.key}"`, {
      hint: `Scale it back to ${recorded.original} replicas and remove the ${SURGE_ANNOTATION} annotation, then apply again.`,
    });
  }
  const original = recorded?.original ?? dep.spec.replicas ?? 1;
  const current = dep.spec.replicas ?? 1;
  const target = current > original ? current : original + left.length;
  let generation = dep.metadata.generation ?? 0;
  // The Deployment's pods before the scale-up: on a rollback the others are the surge pods.
  const before = recorded ? undefined : new Set((await deploymentPods(ctx, dep)).map((p) => p.metadata.uid ?? ''));
  // One patch records the original count and scales up, atomically: a resumed or interrupted
  // apply always finds the record of a scale-up it did.
  if (!recorded || current !== target) {
    const patched = await ctx.gateway.patchWorkload('Deployment', ns, ref.name, {
      ...(current !== target ? { replicas: target } : {}),
      ...(recorded ? {} : { annotations: { [SURGE_ANNOTATION]: formatSurge(key, original), [PLAN_DIGEST_ANNOTATION]: ctx.plan.digest } }),
    });
    generation = patched.metadata.generation ?? generation;
    if (current !== target) emitStep(ctx, 'scale-up', { replicas: target });
  }
  // The marks only matter at the scale-back (the ReplicaSet removes the cheapest pods first), so
  // they are written while the surge pods start, all at once.
  await Promise.all(
    left
      .filter((pod) => pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] !== MOVE_DELETION_COST)
      .map((pod) =>
        ctx.gateway.annotatePod(ns, pod.metadata.name, pod.metadata.uid ?? '', {
          [POD_DELETION_COST_ANNOTATION]: MOVE_DELETION_COST,
          [PLAN_DIGEST_ANNOTATION]: ctx.plan.digest,
        }),
      ),
  );
  let outcome: SurgeWait;
  try {
    outcome = await waitMove<SurgeWait>(
      ctx,
      `waiting for ${target - original} surge pod(s)`,
      () => {
        const cur = currentWorkload(ctx) as Deployment | undefined;
        if (!cur || (cur.metadata.generation ?? 0) < generation) return undefined;
        // A newer generation with other replicas than ours: someone else scaled it.
        const replicas = cur.spec.replicas ?? 1;
        if (replicas !== target) return { kind: 'taken', replicas };
        if ((cur.status?.observedGeneration ?? 0) < generation) return undefined;
        return readyOf(cur) >= target && (cur.status?.availableReplicas ?? 0) >= target ? { kind: 'ready' } : undefined;
      },
      () => settledStatus(ctx),
    );
  } catch (err) {
    // Roll back to a consistent state: the surge pods are removed, not the pods being moved.
    await rollBack(ctx, dep, original, before);
    ctx.emit({
      type: 'rollback',
      at: ctx.clock.now(),
      wave: ctx.wave.index,
      workload: ref,
      message: `scaled ${describeWorkload(ctx)} back to ${original} replicas${err instanceof Interrupted ? ' after the interruption' : ''}`,
    });
    throw err;
  }
  if (outcome.kind === 'taken') await yieldToOtherWriter(ctx, original, target, outcome.replicas);
  await scaleBack(ctx, original);
  emitStep(ctx, 'scale-back', { replicas: original });
  await waitMove(ctx, 'waiting for the marked pods to go', () => settled(ctx), () => settledStatus(ctx));
}

type SurgeWait = { kind: 'ready' } | { kind: 'taken'; replicas: number };

/**
 * Someone else set the replicas while the surge was up: leave their count alone, remove the
 * surge record and the pods' marks, and stop this move with a clear error.
 */
async function yieldToOtherWriter(ctx: ActionContext, original: number, target: number, replicas: number): Promise<never> {
  const ref = ctx.action.workload;
  const ns = ref.namespace ?? 'default';
  await ctx.gateway.patchWorkload('Deployment', ns, ref.name, { annotations: { [SURGE_ANNOTATION]: null } });
  for (const pod of podsLeft(ctx)) {
    await ctx.gateway.annotatePod(ns, pod.metadata.name, pod.metadata.uid ?? '', { [POD_DELETION_COST_ANNOTATION]: null, [PLAN_DIGEST_ANNOTATION]: null });
  }
  const message = `stopped the surge of ${describeWorkload(ctx)}: someone else set its replicas to ${replicas} (sdrain had raised them from ${original} to ${target}); left them at ${replicas}`;
  ctx.emit({ type: 'rollback', at: ctx.clock.now(), wave: ctx.wave.index, workload: ref, message });
  throw new SdrainError('APPLY_FAILED', `Stopped moving ${describeWorkload(ctx)}: its replicas were changed to ${replicas} by someone else while sdrain had raised them from ${original} to ${target} for the surge; sdrain left them at ${replicas} and did not move the pods still on the node`, {
    hint: 'An HPA or a GitOps controller manages its replica count. Plan again (the new plan sees the change; with an HPA it uses roll), review it, then apply it.',
  });
}

/** Scales back to the original count and removes the surge record (the marked pods go). */
async function scaleBack(ctx: ActionContext, original: number): Promise<void> {
  const ref = ctx.action.workload;
  await ctx.gateway.patchWorkload('Deployment', ref.namespace ?? 'default', ref.name, { replicas: original, annotations: { [SURGE_ANNOTATION]: null } });
}

/**
 * The surge failed or was interrupted: scale back so the surge pods go and the pods being moved
 * stay. Before the scale-back the surge pods get the lowest pod-deletion-cost and the moved pods
 * lose theirs. Scaling back first would leave the choice to the ReplicaSet's ranking with the
 * moved pods still marked cheapest: fine while they are ready and the surge pods are not, but
 * when the moved pods are not ready either (their node went NotReady, so the node lifecycle
 * controller set them not Ready) and the surge pods are Running, it removed the moved pods and
 * kept the surge pods that never became ready (measured on a real cluster: bench/RESULTS.md §6).
 * Pending surge pods go first whatever their cost. A surge resumed from its record has no list
 * of the pods before it (`before`): then only the moved pods are unmarked.
 */
async function rollBack(ctx: ActionContext, dep: Deployment, original: number, before: Set<string> | undefined): Promise<void> {
  const ns = ctx.action.workload.namespace ?? 'default';
  if (before) {
    const surgePods = (await deploymentPods(ctx, dep)).filter((p) => !before.has(p.metadata.uid ?? '') && !p.metadata.deletionTimestamp);
    await Promise.all(surgePods.map((p) => ctx.gateway.annotatePod(ns, p.metadata.name, p.metadata.uid ?? '', { [POD_DELETION_COST_ANNOTATION]: MOVE_DELETION_COST })));
  }
  for (const pod of podsLeft(ctx)) {
    await ctx.gateway.annotatePod(ns, pod.metadata.name, pod.metadata.uid ?? '', { [POD_DELETION_COST_ANNOTATION]: null, [PLAN_DIGEST_ANNOTATION]: null });
  }
  await scaleBack(ctx, original);
}

/** The Deployment's pods: its selector's matchLabels, owned by one of its ReplicaSets. */
async function deploymentPods(ctx: ActionContext, dep: Deployment): Promise<Pod[]> {
  const labelSelector = Object.entries(dep.spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await ctx.gateway.listPods({ namespace: ctx.action.workload.namespace ?? 'default', ...(labelSelector ? { labelSelector } : {}) });
  return pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.controller === true && o.kind === 'ReplicaSet' && o.name.startsWith(`${dep.metadata.name}-`)));
}
