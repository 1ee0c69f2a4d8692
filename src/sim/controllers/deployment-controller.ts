/**
 * Deployment controller (pkg/controller/deployment): one ReplicaSet per pod-template hash,
 * RollingUpdate (scale the new ReplicaSet up to replicas+maxSurge in total; scale old ones down
 * only while availability stays ≥ replicas−maxUnavailable, unhealthy old replicas first),
 * Recreate (old to 0, wait until their pods are gone, then the new one), proportional scaling
 * when spec.replicas changes mid-rollout, paused Deployments (scale only), the progress deadline,
 * revisions and revisionHistoryLimit clean-up. Ownership is by controller ownerReference.
 */
import type { Deployment, Pod, ReplicaSet } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isTerminal } from '../../kube/pod.js';
import { resolveDeploymentStrategy } from '../../kube/rolling.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import type { WorkQueue } from './work-queue.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  type RsView,
  byCreation,
  byRevision,
  findNew,
  getNewReplicaSet,
  maxSurgeOf,
  maxUnavailableOf,
  newRsReplicas,
  scaleReplicaSet,
  specReplicas,
  sumReplicas,
  sumStatus,
  view,
} from './deployment-replica-sets.js';
import { isComplete, calculateStatus, syncDeploymentStatus, syncPausedCondition, syncRolloutStatus } from './deployment-status.js';

const active = (rss: RsView[]) => rss.filter((r) => r.replicas > 0);

function annotationInt(r: RsView, key: string): number | undefined {
  const v = r.rs.metadata.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Round half away from zero, like Go's math.Round. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

interface Sync {
  ctx: ControllerContext;
  d: Deployment;
  all: RsView[];
}

/** Splits the Deployment's ReplicaSets into the new one (maybe created) and the old ones. */
function newAndOld(s: Sync, create: boolean): { newRs: RsView | undefined; old: RsView[] } {
  const existingNew = findNew(s.d, s.all);
  const old = s.all.filter((r) => r !== existingNew);
  const newRs = getNewReplicaSet(s.ctx, s.d, s.all, old, create);
  if (newRs && !s.all.some((r) => r.rs.metadata.name === newRs.rs.metadata.name)) s.all.push(newRs);
  if (newRs) {
    const revision = newRs.rs.metadata.annotations?.[REVISION_ANNOTATION];
    if (revision !== undefined && s.d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
      s.d = s.ctx.store.mutate<Deployment>('Deployment', s.d.metadata.namespace, s.d.metadata.name, (o) => {
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
      }) ?? s.d;
    }
  }
  return { newRs, old };
}

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
function isScalingEvent(s: Sync): boolean {
  for (const r of active(s.all)) {
    const desired = annotationInt(r, DESIRED_REPLICAS_ANNOTATION);
    if (desired !== undefined && desired !== specReplicas(s.d)) return true;
  }
  return false;
}

/** scale(): the active (or latest) ReplicaSet takes the new size, or sizes change proportionally. */
function scale(s: Sync, newRs: RsView | undefined, old: RsView[]): void {
  const { ctx, d } = s;
  const byNewest = [...old].sort((a, b) => -byCreation(a, b));
  const activeAll = active(newRs ? [newRs, ...byNewest] : byNewest);
  const activeOrLatest = activeAll.length === 1 ? activeAll[0] : activeAll.length === 0 ? newRs ?? byNewest[0] : undefined;
  if (activeOrLatest) {
    if (activeOrLatest.replicas !== specReplicas(d)) scaleReplicaSet(ctx, d, activeOrLatest, specReplicas(d));
    return;
  }
  const saturated = newRs && annotationInt(newRs, DESIRED_REPLICAS_ANNOTATION) === specReplicas(d) && newRs.replicas === specReplicas(d) && (newRs.rs.status?.availableReplicas ?? 0) === specReplicas(d);
  if (saturated) {
    for (const r of active(old)) scaleReplicaSet(ctx, d, r, 0);
    return;
  }
  if (resolveDeploymentStrategy(d).type !== 'RollingUpdate') return;
  const allowed = specReplicas(d) > 0 ? specReplicas(d) + maxSurgeOf(d) : 0;
  const toAdd = allowed - sumReplicas(activeAll);
  const sized = [...activeAll].sort((a, b) => {
    if (a.replicas !== b.replicas) return b.replicas - a.replicas;
    return toAdd > 0 ? -byCreation(a, b) : byCreation(a, b);
  });
  const sizes = new Map<RsView, number>();
  let added = 0;
  for (const r of sized) {
    let proportion = 0;
    if (toAdd !== 0 && r.replicas !== 0 && toAdd !== added) {
      let fraction: number;
      if (specReplicas(d) === 0) fraction = -r.replicas;
      else {
        const annotated = annotationInt(r, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
        fraction = annotated === 0 ? 0 : roundHalfAway((r.replicas * allowed) / annotated) - r.replicas;
      }
      const left = toAdd - added;
      proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }
    sizes.set(r, r.replicas + proportion);
    added += proportion;
  }
  if (toAdd !== 0 && sized[0]) sizes.set(sized[0], Math.max(0, sizes.get(sized[0])! + toAdd - added));
  for (const r of sized) scaleReplicaSet(ctx, d, r, sizes.get(r)!);
}

/** cleanupDeployment: deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
function cleanup(s: Sync, old: RsView[]): void {
  const limit = s.d.spec.revisionHistoryLimit ?? 10;
  const cleanable = old.filter((r) => !r.rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (let i = 0; i < diff; i++) {
    const r = cleanable[i]!;
    if ((r.rs.status?.replicas ?? 0) !== 0 || r.replicas !== 0 || (r.rs.metadata.generation ?? 1) > (r.rs.status?.observedGeneration ?? 0)) continue;
    s.ctx.store.remove('ReplicaSet', r.rs.metadata.namespace, r.rs.metadata.name, { uid: r.rs.metadata.uid });
  }
}

function reconcileOld(s: Sync, oldActive: RsView[], newRs: RsView): boolean {
  const { ctx, d } = s;
  if (sumReplicas(oldActive) === 0) return false;
  const all = [...oldActive, newRs];
  const minAvailable = specReplicas(d) - maxUnavailableOf(d);
  const newUnavailable = newRs.replicas - (newRs.rs.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // cleanupUnhealthyReplicas: old replicas that are not available go first.
  let cleaned = 0;
  for (const r of [...oldActive].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const avail = r.rs.status?.availableReplicas ?? 0;
    if (r.replicas === 0 || r.replicas === avail) continue;
    const count = Math.min(maxScaledDown - cleaned, r.replicas - avail);
    scaleReplicaSet(ctx, d, r, r.replicas - count);
    cleaned += count;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const availableNow = sumStatus(all, 'availableReplicas');
  let scaledDown = 0;
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    for (const r of [...oldActive].sort(byCreation)) {
      if (scaledDown >= total) break;
      if (r.replicas === 0) continue;
      const count = Math.min(r.replicas, total - scaledDown);
      scaleReplicaSet(ctx, d, r, r.replicas - count);
      scaledDown += count;
    }
  }
  return cleaned + scaledDown > 0;
}

function rolloutRolling(s: Sync, queue: WorkQueue, key: string): void {
  const { ctx, d } = s;
  const { newRs, old } = newAndOld(s, true);
  const all = s.all;
  let scaled = false;
  if (newRs) {
    if (newRs.replicas > specReplicas(d)) scaled = scaleReplicaSet(ctx, d, newRs, specReplicas(d));
    else if (newRs.replicas < specReplicas(d)) scaled = scaleReplicaSet(ctx, d, newRs, newRsReplicas(d, all, newRs));
  }
  if (!scaled && newRs) scaled = reconcileOld(s, active(old), newRs);
  if (!scaled && isComplete(s.d, calculateStatus(s.d, all, newRs, ctx.clock.now()))) cleanup(s, old);
  const recheck = syncRolloutStatus(ctx, s.d, all, newRs);
  if (recheck !== undefined) queue.addAfter(key, recheck);
}

/** oldPodsRunning: Recreate waits until no old pod exists that is not Succeeded/Failed (terminating ones count). */
function oldPodsRunning(s: Sync, old: RsView[]): boolean {
  if (old.some((r) => (r.rs.status?.replicas ?? 0) > 0)) return true;
  for (const r of old) {
    for (const p of s.ctx.cache.controlledBy<Pod>('Pod', r.rs.metadata.uid ?? '')) if (!isTerminal(p)) return true;
  }
  return false;
}

function rolloutRecreate(s: Sync, queue: WorkQueue, key: string): void {
  const { ctx, d } = s;
  let { newRs, old } = newAndOld(s, false);
  let scaled = false;
  for (const r of active(old)) scaled = scaleReplicaSet(ctx, d, r, 0) || scaled;
  if (!scaled && !oldPodsRunning(s, old)) {
    if (!newRs) ({ newRs, old } = newAndOld(s, true));
    if (newRs && newRs.replicas !== specReplicas(d)) scaleReplicaSet(ctx, d, newRs, specReplicas(d));
    if (isComplete(s.d, calculateStatus(s.d, s.all, newRs, ctx.clock.now()))) cleanup(s, old);
  }
  const recheck = syncRolloutStatus(ctx, s.d, s.all, newRs);
  if (recheck !== undefined) queue.addAfter(key, recheck);
}

/** The Deployment controller (see the file comment). */
export function deploymentController(ctx: ControllerContext): Controller {
  const enqueueOwner = (obj: ReplicaSet | undefined, queue: WorkQueue) => {
    const ref = obj && controllerOf(obj);
    if (ref?.kind === 'Deployment' && obj!.metadata.namespace) queue.add(`${obj!.metadata.namespace}/${ref.name}`);
  };
  return {
    name: 'deployment',
    start(queue) {
      for (const d of ctx.cache.all<Deployment>('Deployment')) queue.add(objectKey(d));
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'Deployment') {
        if (ev.type !== 'DELETED') queue.add(objectKey(ev.object));
      } else if (ev.kind === 'ReplicaSet') {
        enqueueOwner(ev.object as ReplicaSet, queue);
        enqueueOwner(ev.old as ReplicaSet | undefined, queue);
      } else if (ev.kind === 'Pod' && ev.type === 'DELETED') {
        // Recreate waits for old pods to be gone.
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'ReplicaSet') enqueueOwner(ctx.cache.getByUid(ref.uid)?.object as ReplicaSet | undefined, queue);
      }
    },
    sync(key, queue) {
      const { namespace, name } = splitKey(key);
      const d = ctx.cache.get<Deployment>('Deployment', namespace, name);
      if (!d || !d.metadata.uid) return;
      const selector = d.spec.selector;
      if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
        // An empty selector would match every pod: upstream refuses to act, but records the generation.
        if (d.status?.observedGeneration !== d.metadata.generation) {
          ctx.store.mutate<Deployment>('Deployment', namespace, name, (o) => {
            o.status = { ...(o.status ?? {}), observedGeneration: o.metadata.generation };
          }, { subresource: 'status' });
        }
        return;
      }
      const s: Sync = { ctx, d, all: ctx.cache.controlledBy<ReplicaSet>('ReplicaSet', d.metadata.uid).map(view) };
      if (d.metadata.deletionTimestamp) {
        syncDeploymentStatus(ctx, d, s.all, findNew(d, s.all));
        return;
      }
      s.d = syncPausedCondition(ctx, d);
      if (s.d.spec.paused || isScalingEvent(s)) {
        const { newRs, old } = newAndOld(s, false);
        scale(s, newRs, old);
        if (s.d.spec.paused) cleanup(s, old);
        syncDeploymentStatus(ctx, s.d, s.all, newRs);
        return;
      }
      if (resolveDeploymentStrategy(s.d).type === 'Recreate') rolloutRecreate(s, queue, key);
      else rolloutRolling(s, queue, key);
    },
  };
}
