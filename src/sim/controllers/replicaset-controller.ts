/**
 * ReplicaSet controller: keeps spec.replicas active pods (not terminating, not finished) by
 * creating pods from the template or deleting the lowest-ranked ones (pod-deletion-ranking.ts),
 * and reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas /
 * observedGeneration. Terminating pods are not counted, as upstream's FilterActivePods.
 * Ownership is by controller ownerReference only (no adoption of orphans).
 */
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isPodAvailable, isPodReady, isTerminal, isTerminating } from '../../kube/pod.js';
import { fromLabelSelector, matches } from '../../kube/selector.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import type { WorkQueue } from './work-queue.js';
import { deletePod } from './delete-pod.js';
import { podFromTemplate } from './pod-template.js';
import { podsToDelete } from './pod-deletion-ranking.js';

/** The replicaset controller's event source. */
const RS_CONTROLLER = { component: 'replicaset-controller' };

/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
const BURST_REPLICAS = 500;

/** Counts toward replicas: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isTerminal(pod) && !isTerminating(pod);
}

/** The active pods controlled by the object with `uid`. */
export function activePodsOf(ctx: ControllerContext, uid: string | undefined): Pod[] {
  if (!uid) return [];
  return ctx.cache.controlledBy<Pod>('Pod', uid).filter(isPodActive);
}

/** When the next not-yet-available ready pod becomes available (minReadySeconds), or undefined. */
export function nextAvailableAt(pods: Pod[], minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    if (!isPodReady(p) || isPodAvailable(p, minReadySeconds, now)) continue;
    const c = p.status?.conditions?.find((x) => x.type === 'Ready');
    const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : Number.NaN;
    if (Number.isNaN(t)) continue;
    const at = t + minReadySeconds * 1000;
    if (next === undefined || at < next) next = at;
  }
  return next;
}

/** The ReplicaSet controller (see the file comment). */
export function replicaSetController(ctx: ControllerContext): Controller {
  const enqueueOwnerOf = (pod: Pod, queue: WorkQueue) => {
    const ref = controllerOf(pod);
    if (ref?.kind === 'ReplicaSet' && pod.metadata.namespace) queue.add(`${pod.metadata.namespace}/${ref.name}`);
  };
  return {
    name: 'replicaset',
    start(queue) {
      for (const rs of ctx.cache.all<ReplicaSet>('ReplicaSet')) queue.add(objectKey(rs));
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'ReplicaSet') queue.add(objectKey(ev.object));
      else if (ev.kind === 'Pod') {
        enqueueOwnerOf(ev.object as Pod, queue);
        if (ev.old) enqueueOwnerOf(ev.old as Pod, queue);
      }
    },
    sync(key, queue) {
      const { namespace, name } = splitKey(key);
      const rs = ctx.cache.get<ReplicaSet>('ReplicaSet', namespace, name);
      if (!rs) return;
      const now = ctx.clock.now();
      let active = activePodsOf(ctx, rs.metadata.uid);
      const desired = rs.spec.replicas ?? 1;
      if (!rs.metadata.deletionTimestamp) {
        const diff = active.length - desired;
        if (diff < 0 && rs.spec.template) {
          for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
            const pod = ctx.store.create(podFromTemplate(rs, rs.spec.template));
            ctx.events.record(RS_CONTROLLER, rs, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
          }
          if (-diff > BURST_REPLICAS) queue.add(key);
        } else if (diff > 0) {
          const owner = controllerOf(rs);
          const related = owner
            ? ctx.cache.controlledBy<ReplicaSet>('ReplicaSet', owner.uid).flatMap((r) => activePodsOf(ctx, r.metadata.uid))
            : active;
          for (const pod of podsToDelete(active, related, Math.min(diff, BURST_REPLICAS), now)) {
            deletePod(ctx.store, pod);
            ctx.events.record(RS_CONTROLLER, rs, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
          }
          if (diff > BURST_REPLICAS) queue.add(key);
        }
        active = activePodsOf(ctx, rs.metadata.uid);
      }
      const minReady = rs.spec.minReadySeconds ?? 0;
      const templateSel = fromLabelSelector({ matchLabels: rs.spec.template?.metadata?.labels ?? {} }) ?? [];
      const status: ReplicaSetStatus = {
        replicas: active.length,
        fullyLabeledReplicas: active.filter((p) => matches(templateSel, p.metadata.labels)).length,
        readyReplicas: active.filter(isPodReady).length,
        availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
        observedGeneration: rs.metadata.generation ?? 1,
      };
      if (rs.status?.conditions) status.conditions = rs.status.conditions;
      writeStatus(ctx, rs, status);
      const at = nextAvailableAt(active, minReady, now);
      if (at !== undefined) queue.addAfter(key, at - now);
    },
  };
}

function writeStatus(ctx: ControllerContext, rs: ReplicaSet, status: ReplicaSetStatus): void {
  const old = rs.status;
  if (
    old &&
    old.replicas === status.replicas &&
    old.fullyLabeledReplicas === status.fullyLabeledReplicas &&
    (old.readyReplicas ?? 0) === status.readyReplicas &&
    (old.availableReplicas ?? 0) === status.availableReplicas &&
    old.observedGeneration === status.observedGeneration
  ) {
    return;
  }
  ctx.store.mutate<ReplicaSet>('ReplicaSet', rs.metadata.namespace, rs.metadata.name, (o) => {
    o.status = status;
  }, { subresource: 'status' });
}
