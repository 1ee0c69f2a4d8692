/**
 * roll: a `kubectl rollout restart` (template annotation kubectl.kubernetes.io/restartedAt),
 * then wait like `kubectl rollout status` until the rollout completes and the action's pods
 * are gone from the wave's nodes. The workload's own strategy (maxSurge/maxUnavailable) keeps
 * the floor. The annotation value comes from the plan digest and wave, so a resumed apply
 * sees the restart already made and does not restart again.
 */
import type { Deployment, StatefulSet } from '../../model/k8s.js';
import { PLAN_DIGEST_ANNOTATION, RESTARTED_AT_ANNOTATION, restartValue } from '../own-marks.js';
import { currentWorkload, desiredOf, emitStep, podsLeft, readyOf, settledStatus, waitMove, type ActionContext, type Workload } from '../action-context.js';

/** `kubectl rollout status` completion for Deployments and StatefulSets. */
export function rolloutComplete(w: Workload): boolean {
  const st = w.status;
  if (!st || (st.observedGeneration ?? 0) < (w.metadata.generation ?? 0)) return false;
  const desired = desiredOf(w);
  if (w.kind === 'Deployment') {
    const s = (w as Deployment).status ?? {};
    const updated = s.updatedReplicas ?? 0;
    return updated === desired && (s.replicas ?? 0) === updated && (s.availableReplicas ?? 0) === updated;
  }
  const s = (w as StatefulSet).status;
  if (!s) return false;
  if ((s.updatedReplicas ?? 0) < desired) return false;
  if (s.updateRevision && s.currentRevision && s.updateRevision !== s.currentRevision) return false;
  return readyOf(w) >= desired;
}

export async function roll(ctx: ActionContext): Promise<void> {
  const ref = ctx.action.workload;
  const kind = ref.kind as 'Deployment' | 'StatefulSet';
  const ns = ref.namespace ?? 'default';
  const value = restartValue(ctx.plan.digest, ctx.wave.index);
  // From the workload's watch cache (synced before the move began). Were it a moment behind, the
  // restart would be patched again with the same value: no change, no new rollout.
  const w = currentWorkload(ctx) ?? (await ctx.gateway.getWorkload(kind, ns, ref.name));
  let minGeneration = w?.metadata.generation ?? 0;
  const already = w?.spec.template.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === value;
  if (w && !already && podsLeft(ctx).length > 0) {
    const patched = await ctx.gateway.patchWorkload(kind, ns, ref.name, {
      templateAnnotations: { [RESTARTED_AT_ANNOTATION]: value },
      annotations: { [PLAN_DIGEST_ANNOTATION]: ctx.plan.digest },
    });
    minGeneration = patched.metadata.generation ?? minGeneration;
    emitStep(ctx, 'restart');
  }
  await waitMove(
    ctx,
    'waiting for the rollout',
    () => {
      const cur = currentWorkload(ctx);
      if (!cur || (cur.metadata.generation ?? 0) < minGeneration) return undefined;
      return rolloutComplete(cur) && podsLeft(ctx).length === 0 ? true : undefined;
    },
    () => settledStatus(ctx),
  );
}
