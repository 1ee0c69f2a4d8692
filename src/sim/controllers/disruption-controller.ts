/**
 * Disruption controller: PodDisruptionBudget status as upstream computes it
 * (pkg/controller/disruption). expectedPods is the pod count for an integer minAvailable, else
 * the sum of the owning controllers' scale (Deployment via its ReplicaSet, bare ReplicaSet,
 * StatefulSet); percentages round up; healthy = Ready, not terminating and not in
 * disruptedPods; disruptionsAllowed = max(0, currentHealthy - desiredHealthy). disruptedPods
 * entries (written by the eviction API) are dropped once the pod is terminating or gone, or after
 * 2 minutes. Pods whose controller has no scale (DaemonSet, Job) make the sync fail safe:
 * disruptionsAllowed 0 with reason SyncFailed, as upstream.
 */
import type { Condition, Deployment, KubeObject, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus, ReplicaSet, StatefulSet } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isPodReady, isTerminating } from '../../kube/pod.js';
import { labelSelectorMatches } from '../../kube/selector.js';
import { resolveIntOrPercent } from '../../kube/rolling.js';
import { formatTime } from '../store/wall-clock.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';

/** How long an eviction's disruptedPods entry is trusted before the pod must be gone. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

function pdbsMatching(ctx: ControllerContext, pod: Pod): PodDisruptionBudget[] {
  const ns = pod.metadata.namespace ?? 'default';
  return ctx.cache.inNamespace<PodDisruptionBudget>('PodDisruptionBudget', ns).filter((p) => labelSelectorMatches(p.spec.selector, pod.metadata.labels));
}

/** The scale of the controller of `pod`, with the controller's uid; throws when it has none. */
function controllerScale(ctx: ControllerContext, pod: Pod): { uid: string; scale: number } | undefined {
  const ref = controllerOf(pod);
  if (!ref) return undefined;
  const ns = pod.metadata.namespace;
  const fail = (): never => {
    throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
  };
  const found = ctx.cache.getByUid(ref.uid)?.object;
  if (!found) fail();
  if (ref.kind === 'ReplicaSet') {
    const rs = found as ReplicaSet;
    const owner = controllerOf(rs);
    if (owner?.kind === 'Deployment') {
      const d = ctx.cache.getByUid(owner.uid)?.object as Deployment | undefined;
      if (!d || d.metadata.namespace !== ns) fail();
      return { uid: d!.metadata.uid!, scale: d!.spec.replicas ?? 1 };
    }
    return { uid: ref.uid, scale: rs.spec.replicas ?? 1 };
  }
  if (ref.kind === 'StatefulSet') return { uid: ref.uid, scale: (found as StatefulSet).spec.replicas ?? 1 };
  return fail();
}

function expectedScale(ctx: ControllerContext, pods: Pod[]): number {
  const scales = new Map<string, number>();
  for (const pod of pods) {
    const s = controllerScale(ctx, pod);
    if (s && !scales.has(s.uid)) scales.set(s.uid, s.scale);
  }
  let total = 0;
  for (const v of scales.values()) total += v;
  return total;
}

/** metav1.Condition semantics: the transition time moves only when the status flips. */
function allowedCondition(old: Condition[] | undefined, status: 'True' | 'False', reason: string, message: string, now: number, generation: number): Condition[] {
  const prev = old?.find((c) => c.type === 'DisruptionAllowed');
  const keep = old?.filter((c) => c.type !== 'DisruptionAllowed') ?? [];
  const lastTransitionTime = prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : formatTime(now);
  const cond = { type: 'DisruptionAllowed', status, observedGeneration: generation, lastTransitionTime, reason, message };
  return [...keep, cond];
}

/** The status the disruption controller writes for `pdb` over `pods` at `now`, with a recheck time. */
export function computePdbStatus(ctx: ControllerContext, pdb: PodDisruptionBudget, pods: Pod[], now: number): { status: PodDisruptionBudgetStatus; recheckAt?: number } {
  const generation = pdb.metadata.generation ?? 1;
  try {
    let expected: number;
    let desired: number;
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      expected = expectedScale(ctx, pods);
      desired = Math.max(0, expected - resolveIntOrPercent(maxUnavailable, expected, true));
    } else if (typeof minAvailable === 'number') {
      expected = pods.length;
      desired = minAvailable;
    } else if (typeof minAvailable === 'string') {
      expected = expectedScale(ctx, pods);
      desired = resolveIntOrPercent(minAvailable, expected, true);
    } else {
      expected = pods.length;
      desired = 0;
    }
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    const old = pdb.status?.disruptedPods ?? {};
    for (const pod of pods) {
      const t = old[pod.metadata.name];
      if (t === undefined || isTerminating(pod)) continue;
      const until = Date.parse(t) + DELETION_TIMEOUT_MS;
      if (Number.isNaN(until) || until <= now) continue;
      disrupted[pod.metadata.name] = t;
      if (recheckAt === undefined || until < recheckAt) recheckAt = until;
    }
    let healthy = 0;
    for (const pod of pods) {
      if (isTerminating(pod) || disrupted[pod.metadata.name] !== undefined) continue;
      if (isPodReady(pod)) healthy++;
    }
    let allowed = healthy - desired;
    if (expected <= 0 || allowed <= 0) allowed = 0;
    const status: PodDisruptionBudgetStatus = {
      observedGeneration: generation,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: allowed > 0
        ? allowedCondition(pdb.status?.conditions, 'True', 'SufficientPods', '', now, generation)
        : allowedCondition(pdb.status?.conditions, 'False', 'InsufficientPods', '', now, generation),
    };
    if (Object.keys(disrupted).length > 0) status.disruptedPods = disrupted;
    return { status, recheckAt };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      status: {
        observedGeneration: generation,
        disruptionsAllowed: 0,
        currentHealthy: pdb.status?.currentHealthy ?? 0,
        desiredHealthy: pdb.status?.desiredHealthy ?? 0,
        expectedPods: pdb.status?.expectedPods ?? 0,
        ...(pdb.status?.disruptedPods ? { disruptedPods: pdb.status.disruptedPods } : {}),
        conditions: allowedCondition(pdb.status?.conditions, 'False', 'SyncFailed', message, now, generation),
      },
    };
  }
}

function sameStatus(a: PodDisruptionBudgetStatus | undefined, b: PodDisruptionBudgetStatus): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b);
}

/** The disruption controller (see the file comment). */
export function disruptionController(ctx: ControllerContext): Controller {
  const enqueueNs = (obj: KubeObject, queue: Parameters<Controller['start']>[0]) => {
    if (!obj.metadata.namespace) return;
    for (const p of ctx.cache.inNamespace('PodDisruptionBudget', obj.metadata.namespace)) queue.add(objectKey(p));
  };
  return {
    name: 'disruption',
    start(queue) {
      for (const p of ctx.cache.all('PodDisruptionBudget')) queue.add(objectKey(p));
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'PodDisruptionBudget') {
        if (ev.type !== 'DELETED') queue.add(objectKey(ev.object));
      } else if (ev.kind === 'Pod') {
        for (const p of pdbsMatching(ctx, ev.object as Pod)) queue.add(objectKey(p));
        if (ev.old) for (const p of pdbsMatching(ctx, ev.old as Pod)) queue.add(objectKey(p));
      } else if (ev.kind === 'Deployment' || ev.kind === 'ReplicaSet' || ev.kind === 'StatefulSet') {
        const oldScale = (ev.old?.spec as { replicas?: number } | undefined)?.replicas;
        const newScale = (ev.object.spec as { replicas?: number } | undefined)?.replicas;
        if (ev.type !== 'MODIFIED' || oldScale !== newScale) enqueueNs(ev.object, queue);
      }
    },
    sync(key, queue) {
      const { namespace, name } = splitKey(key);
      const pdb = ctx.cache.get<PodDisruptionBudget>('PodDisruptionBudget', namespace, name);
      if (!pdb || !namespace) return;
      const now = ctx.clock.now();
      // Sorted so the status (disruptedPods key order) never depends on index iteration order.
      const pods = pdb.spec.selector
        ? ctx.cache.podCandidates(namespace, pdb.spec.selector.matchLabels).filter((p) => labelSelectorMatches(pdb.spec.selector, p.metadata.labels)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
        : [];
      const { status, recheckAt } = computePdbStatus(ctx, pdb, pods, now);
      if (!sameStatus(pdb.status, status)) {
        ctx.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', namespace, name, (o) => {
          o.status = status;
        }, { subresource: 'status' });
      }
      if (recheckAt !== undefined) queue.addAfter(key, recheckAt - now);
    },
  };
}
