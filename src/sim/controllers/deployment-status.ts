/**
 * Deployment status and conditions as upstream's deployment controller writes them (sync.go,
 * progress.go): counts summed over the ReplicaSets, Available (MinimumReplicasAvailable) and
 * Progressing (NewReplicaSetCreated / FoundNewReplicaSet / ReplicaSetUpdated /
 * NewReplicaSetAvailable / ProgressDeadlineExceeded / DeploymentPaused / DeploymentResumed).
 * `kubectl rollout status` completes when observedGeneration ≥ generation and
 * updatedReplicas == replicas == availableReplicas == spec.replicas.
 */
import type { Condition, Deployment, DeploymentStatus } from '../../model/k8s.js';
import { formatTime } from '../store/wall-clock.js';
import type { ControllerContext } from './controller.js';
import { type RsView, maxUnavailableOf, specReplicas, sumReplicas, sumStatus } from './deployment-replica-sets.js';

/** Progressing reason once the rollout is complete. */
export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
/** Progressing reason once the progress deadline passed. */
export const TIMED_OUT = 'ProgressDeadlineExceeded';
/** Progressing reason while paused. */
export const PAUSED = 'DeploymentPaused';

/** progressDeadlineSeconds with its API default (600); undefined when disabled (MaxInt32). */
export function progressDeadlineMs(d: Deployment): number | undefined {
  const s = d.spec.progressDeadlineSeconds ?? 600;
  return s >= 2147483647 ? undefined : s * 1000;
}

/** The condition of `type`, if any. */
export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition: no-op when status and reason are unchanged; keeps the transition time when only the reason changes. */
export function setCondition(status: DeploymentStatus, cond: Condition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

/** Drops the condition of `type`. */
export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** A condition stamped `now` for both update and transition times. */
export function newCondition(type: string, status: string, reason: string, message: string, now: number): Condition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** calculateStatus: counts from the ReplicaSets plus the Available condition. */
export function calculateStatus(d: Deployment, all: RsView[], newRs: RsView | undefined, now: number): DeploymentStatus {
  const available = sumStatus(all, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: newRs ? newRs.rs.status?.replicas ?? 0 : 0,
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumReplicas(all) - available),
    conditions: [...(d.status?.conditions ?? [])],
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= specReplicas(d) - maxUnavailableOf(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** DeploymentComplete: every desired replica is updated and available, and the spec was observed. */
export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = specReplicas(d);
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

function isProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

function isTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadlineMs(d);
  const c = getCondition(s, 'Progressing');
  if (deadline === undefined || !c) return false;
  if (c.reason === NEW_RS_AVAILABLE) return false;
  if (c.reason === TIMED_OUT) return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  return !Number.isNaN(from) && from + deadline < now;
}

/** Writes `status` when it differs from the stored one. */
export function writeStatus(ctx: ControllerContext, d: Deployment, status: DeploymentStatus): void {
  if (JSON.stringify(d.status ?? {}) === JSON.stringify(status)) return;
  ctx.store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
    o.status = status;
  }, { subresource: 'status' });
}

/**
 * syncRolloutStatus: status plus the Progressing condition; returns when to re-check the
 * progress deadline (ms from now), if the rollout is still running.
 */
export function syncRolloutStatus(ctx: ControllerContext, d: Deployment, all: RsView[], newRs: RsView | undefined): number | undefined {
  const now = ctx.clock.now();
  const status = calculateStatus(d, all, newRs, now);
  const deadline = progressDeadlineMs(d);
  if (deadline === undefined) removeCondition(status, 'Progressing');
  const current = getCondition(status, 'Progressing');
  const completed = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE;
  if (deadline !== undefined && !completed) {
    const rsName = newRs?.rs.metadata.name ?? '';
    if (isComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', NEW_RS_AVAILABLE, `ReplicaSet "${rsName}" has successfully progressed.`, now));
    } else if (isProgressing(d, status)) {
      const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now);
      if (current?.status === 'True' && current.lastTransitionTime) cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (isTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', TIMED_OUT, `ReplicaSet "${rsName}" has timed out progressing.`, now));
    }
  }
  writeStatus(ctx, d, status);
  // requeueStuckDeployment
  const c = getCondition(status, 'Progressing');
  if (deadline === undefined || !c || c.reason === NEW_RS_AVAILABLE || c.reason === TIMED_OUT || isComplete(d, status)) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + deadline - now) + 1000;
}

/** syncDeploymentStatus: status only (scaling and paused paths). */
export function syncDeploymentStatus(ctx: ControllerContext, d: Deployment, all: RsView[], newRs: RsView | undefined): void {
  writeStatus(ctx, d, calculateStatus(d, all, newRs, ctx.clock.now()));
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export function syncPausedCondition(ctx: ControllerContext, d: Deployment): Deployment {
  if (progressDeadlineMs(d) === undefined) return d;
  const c = getCondition(d.status, 'Progressing');
  if (c?.reason === TIMED_OUT) return d;
  const pausedExists = c?.reason === PAUSED;
  const status: DeploymentStatus = { ...(d.status ?? {}), conditions: [...(d.status?.conditions ?? [])] };
  const now = ctx.clock.now();
  if (d.spec.paused && !pausedExists) setCondition(status, newCondition('Progressing', 'Unknown', PAUSED, 'Deployment is paused', now));
  else if (!d.spec.paused && pausedExists) setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now));
  else return d;
  return ctx.store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
    o.status = status;
  }, { subresource: 'status' }) ?? d;
}
