/**
 * delete: only for pods the spec allows to lose (unmanaged pods, local storage, by policy
 * `delete`); the planner chose it, apply never picks it. Each pod is looked up in the watch cache
 * of the wave's nodes (gone, another UID, terminating or elsewhere: left alone), then DELETEd
 * with a UID precondition, so a pod recreated under the same name is left alone even if the
 * cache lags; then wait until the pods are gone.
 */
import { emitStep, settled, settledStatus, waitMove, type ActionContext } from '../action-context.js';
import { cachedPod } from './evict.js';

export async function deletePods(ctx: ActionContext): Promise<void> {
  const ns = ctx.action.workload.namespace ?? 'default';
  const nodes = new Set(ctx.wave.nodes);
  ctx.phase = 'deleting';
  for (let i = 0; i < ctx.action.pods.length; i++) {
    const name = ctx.action.pods[i] ?? '';
    const uid = ctx.action.podUids[i] ?? '';
    const pod = cachedPod(ctx, uid);
    if (!pod || pod.metadata.name !== name || !nodes.has(pod.spec.nodeName ?? '') || pod.metadata.deletionTimestamp) continue;
    if ((await ctx.gateway.deletePod(ns, name, uid)) === 'deleted') emitStep(ctx, 'deleted', { pod: name });
  }
  await waitMove(ctx, 'waiting for the deleted pods to go', () => settled(ctx), () => settledStatus(ctx));
}
