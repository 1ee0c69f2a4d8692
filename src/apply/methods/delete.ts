/**
 * delete: only for pods the spec allows to lose (unmanaged pods, local storage, by policy
 * `delete`); the planner chose it, apply never picks it. DELETE with a UID precondition, so a
 * pod recreated under the same name is left alone; then wait until the pods are gone.
 */
import { settled, settledStatus, waitMove, type ActionContext } from '../action-context.js';

export async function deletePods(ctx: ActionContext): Promise<void> {
  const ns = ctx.action.workload.namespace ?? 'default';
  const nodes = new Set(ctx.wave.nodes);
  ctx.phase = 'deleting';
  for (let i = 0; i < ctx.action.pods.length; i++) {
    const name = ctx.action.pods[i] ?? '';
    const uid = ctx.action.podUids[i] ?? '';
    const pod = await ctx.gateway.getPod(ns, name);
    if (!pod || pod.metadata.uid !== uid || !nodes.has(pod.spec.nodeName ?? '') || pod.metadata.deletionTimestamp) continue;
    await ctx.gateway.deletePod(ns, name, uid);
  }
  await waitMove(ctx, 'waiting for the deleted pods to go', () => settled(ctx), () => settledStatus(ctx));
}
