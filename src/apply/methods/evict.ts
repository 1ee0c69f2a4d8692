/**
 * evict: the Eviction API, one pod at a time, so the API server enforces PodDisruptionBudgets.
 * Before each eviction the pod is looked up in the watch cache of the wave's nodes: a pod that is
 * gone, has another UID, is already terminating or is not on the wave's nodes is not touched. The
 * cache may lag the server by a moment, so the eviction itself carries the UID as a precondition
 * — the API server refuses it (409) when a different pod holds the name — and a pod's node never
 * changes once it is bound, so the same UID means the same node. 429 (a budget allows no disruption now) → back off and retry
 * until the move's deadline; 500 naming several budgets → stop, the API server will never
 * allow it. After each eviction wait until the workload is back to the ready count it had, so
 * evicting never stacks disruptions beyond what the plan expected.
 */
import { SdrainError } from '../../errors.js';
import { sleep } from '../../clock.js';
import { isPodReady, isTerminating } from '../../kube/pod.js';
import type { Pod } from '../../model/k8s.js';
import { Interrupted, WaitTimeout, waitFor } from '../wait-for.js';
import { acceptsLoss, currentWorkload, emitStep, describeWorkload, podsGone, readyOf, settled, settledStatus, waitMove, type ActionContext } from '../action-context.js';

/** kubectl drain waits 5 s after a 429 before trying again. */
export const EVICT_RETRY_MS = 5000;

export async function evict(ctx: ActionContext): Promise<void> {
  const ref = ctx.action.workload;
  const ns = ref.namespace ?? 'default';
  const nodes = new Set(ctx.wave.nodes);
  for (let i = 0; i < ctx.action.pods.length; i++) {
    const name = ctx.action.pods[i] ?? '';
    const uid = ctx.action.podUids[i] ?? '';
    const pod = cachedPod(ctx, uid);
    if (!pod || pod.metadata.name !== name || !nodes.has(pod.spec.nodeName ?? '') || pod.metadata.deletionTimestamp) continue;
    const before = currentWorkload(ctx);
    const readyBefore = before ? readyOf(before) : 0;
    ctx.phase = `evicting ${name}`;
    for (;;) {
      if (ctx.signal.aborted) throw new Interrupted();
      const outcome = await ctx.gateway.evictPod(ns, name, uid);
      if (outcome.kind === 'evicted') emitStep(ctx, 'evicted', { pod: name });
      if (outcome.kind === 'evicted' || outcome.kind === 'gone') break;
      if (outcome.kind === 'multiple-pdbs') {
        throw new SdrainError('APPLY_FAILED', `Cannot evict pod "${ns}/${name}": ${outcome.message}`, {
          hint: 'The API server refuses evictions of pods covered by more than one PodDisruptionBudget: merge the budgets, then plan again.',
        });
      }
      ctx.emit({ type: 'evict-retry', at: ctx.clock.now(), wave: ctx.wave.index, workload: ref, pod: name, message: outcome.message });
      if (ctx.clock.now() + EVICT_RETRY_MS > ctx.deadlineMs) {
        throw new WaitTimeout(`Timed out evicting pod "${ns}/${name}" of ${describeWorkload(ctx)}: ${outcome.message}`);
      }
      await sleep(ctx.clock, EVICT_RETRY_MS, ctx.signal);
    }
    if (ctx.workload && acceptsLoss(ctx)) continue;
    if (ctx.action.workload.kind === 'StatefulSet') {
      // A StatefulSet's replacement keeps the pod's name and starts only after the old pod is
      // gone, and the StatefulSet's status can still report the old pod as ready right after it
      // disappears. Wait for the replacement itself: same name, new UID, Ready.
      await waitForReplacement(ctx, ns, name, uid);
    }
    if (ctx.workload) {
      await waitMove(
        ctx,
        `waiting for a replacement of ${name}`,
        () => {
          const cur = currentWorkload(ctx);
          return cur && readyOf(cur) >= readyBefore && !ctx.nodePods.some((c) => c.items().some((p) => p.metadata.uid === uid)) ? true : undefined;
        },
        () => settledStatus(ctx),
      );
    }
  }
  if (ctx.workload && acceptsLoss(ctx)) {
    await waitMove(ctx, 'waiting for the pods to leave (the plan accepts the loss: AFFINITY_EVICT)', () => podsGone(ctx), () => settledStatus(ctx));
    return;
  }
  await waitMove(ctx, 'waiting for full strength', () => settled(ctx), () => settledStatus(ctx));
}

/** The pod with this UID on the wave's nodes, as the watch caches see it now. */
export function cachedPod(ctx: ActionContext, uid: string): Pod | undefined {
  for (const cache of ctx.nodePods) {
    const pod = cache.items().find((p) => p.metadata.uid === uid);
    if (pod) return pod;
  }
  return undefined;
}

/** Waits, on a watch of that one pod name, until a pod other than `oldUid` holds the name and is Ready. */
async function waitForReplacement(ctx: ActionContext, ns: string, name: string, oldUid: string): Promise<void> {
  ctx.phase = `waiting for the replacement of ${name}`;
  const cache = ctx.gateway.watch<Pod>({ kind: 'Pod', namespace: ns, name });
  try {
    await waitFor({
      caches: [cache, ...(ctx.workload ? [ctx.workload] : [])],
      check: () => (cache.items().some((p) => p.metadata.uid !== oldUid && isPodReady(p) && !isTerminating(p)) ? true : undefined),
      deadlineMs: ctx.deadlineMs,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMessage: () => `Timed out waiting for the replacement of pod "${ns}/${name}" of ${describeWorkload(ctx)}: ${settledStatus(ctx)}`,
    });
  } finally {
    cache.stop();
  }
}
