/**
 * surge: mark the pods being moved with a low pod-deletion-cost, raise replicas by their
 * number, wait until the extra pods are ready elsewhere, then scale back so the ReplicaSet
 * removes the marked pods. Ready replicas never drop below the original count. The original
 * replica count is recorded on the Deployment (sdrain.io/surge) before scaling, so a resumed
 * apply continues instead of surging twice, and an interrupted one can scale back.
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
import { currentWorkload, describeWorkload, podsLeft, readyOf, settled, settledStatus, waitMove, type ActionContext } from '../action-context.js';
import type { Deployment } from '../../model/k8s.js';
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
  if (!recorded) {
    await ctx.gateway.patchWorkload('Deployment', ns, ref.name, {
      annotations: { [SURGE_ANNOTATION]: formatSurge(key, original), [PLAN_DIGEST_ANNOTATION]: ctx.plan.digest },
    });
  }
  for (const pod of left) {
    if (pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] === MOVE_DELETION_COST) continue;
    await ctx.gateway.annotatePod(ns, pod.metadata.name, pod.metadata.uid ?? '', {
      [POD_DELETION_COST_ANNOTATION]: MOVE_DELETION_COST,
      [PLAN_DIGEST_ANNOTATION]: ctx.plan.digest,
    });
  }
  const current = dep.spec.replicas ?? 1;
  const target = current > original ? current : original + left.length;
  let generation = dep.metadata.generation ?? 0;
  if (current !== target) {
    const patched = await ctx.gateway.patchWorkload('Deployment', ns, ref.name, { replicas: target });
    generation = patched.metadata.generation ?? generation;
  }
  try {
    await waitMove(
      ctx,
      `waiting for ${target - original} surge pod(s)`,
      () => {
        const cur = currentWorkload(ctx) as Deployment | undefined;
        if (!cur || (cur.metadata.generation ?? 0) < generation || (cur.status?.observedGeneration ?? 0) < generation) return undefined;
        return readyOf(cur) >= target && (cur.status?.availableReplicas ?? 0) >= target ? true : undefined;
      },
      () => settledStatus(ctx),
    );
  } catch (err) {
    // Roll back to a consistent state: the not-yet-ready surge pods are removed first.
    await scaleBack(ctx, original, true);
    ctx.emit({
      type: 'rollback',
      at: ctx.clock.now(),
      wave: ctx.wave.index,
      workload: ref,
      message: `scaled ${describeWorkload(ctx)} back to ${original} replicas${err instanceof Interrupted ? ' after the interruption' : ''}`,
    });
    throw err;
  }
  await scaleBack(ctx, original, false);
  await waitMove(ctx, 'waiting for the marked pods to go', () => settled(ctx), () => settledStatus(ctx));
}

/** Scales back to the original count and removes the surge record; unmarks pods on rollback. */
async function scaleBack(ctx: ActionContext, original: number, unmark: boolean): Promise<void> {
  const ref = ctx.action.workload;
  const ns = ref.namespace ?? 'default';
  await ctx.gateway.patchWorkload('Deployment', ns, ref.name, { replicas: original, annotations: { [SURGE_ANNOTATION]: null } });
  if (!unmark) return;
  for (const pod of podsLeft(ctx)) {
    await ctx.gateway.annotatePod(ns, pod.metadata.name, pod.metadata.uid ?? '', { [POD_DELETION_COST_ANNOTATION]: null, [PLAN_DIGEST_ANNOTATION]: null });
  }
}
