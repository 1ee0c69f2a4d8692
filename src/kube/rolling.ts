/**
 * Rollout arithmetic for Deployments, StatefulSets and DaemonSets, with the API server's
 * defaults and the controllers' rounding (k8s.io/kubernetes/pkg/controller/deployment/util
 * ResolveFenceposts, MaxSurge, MaxUnavailable; statefulset and daemonset equivalents).
 * The planner and the simulator's controllers must agree on these numbers, so both use this file.
 */
import type { DaemonSet, Deployment, StatefulSet } from '../model/k8s.js';

/**
 * An int-or-percent value scaled against `total`: "25%" of 10 is 3 when rounding up, 2 when
 * rounding down; a plain number is returned as is. Throws RangeError for anything else
 * (a string that is not a percentage, a negative or non-integer number).
 */
export function resolveIntOrPercent(value: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`Cannot use "${value}" as a count: expected a non-negative integer or a percentage`);
    return value;
  }
  const m = /^(\d+)%$/.exec(value.trim());
  if (!m) throw new RangeError(`Cannot use "${value}" as a count: expected a non-negative integer or a percentage like "25%"`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** Deployment rollout parameters resolved against spec.replicas. */
export interface DeploymentRollout {
  type: 'RollingUpdate' | 'Recreate';
  /** Desired replicas (spec.replicas, default 1). */
  replicas: number;
  /** Extra pods allowed above `replicas` (0 for Recreate). */
  maxSurge: number;
  /** Pods allowed below `replicas` (for Recreate: all of them). */
  maxUnavailable: number;
}

/** spec.replicas with the API default of 1. */
export function desiredReplicas(obj: { spec: { replicas?: number } }): number {
  return obj.spec.replicas ?? 1;
}

/**
 * Resolves a Deployment's strategy with API defaults (RollingUpdate, 25%/25%) and controller
 * rounding: surge rounds up, unavailable rounds down, both 0 → unavailable 1, unavailable capped
 * at replicas, 0 replicas → unavailable 0. Throws RangeError on an invalid int-or-percent.
 */
export function resolveDeploymentStrategy(deployment: Deployment): DeploymentRollout {
  const replicas = desiredReplicas(deployment);
  const strategy = deployment.spec.strategy;
  if (strategy?.type === 'Recreate') {
    return { type: 'Recreate', replicas, maxSurge: 0, maxUnavailable: replicas };
  }
  const ru = strategy?.rollingUpdate;
  const surgeValue = ru?.maxSurge ?? '25%';
  const unavailableValue = ru?.maxUnavailable ?? '25%';
  const { maxSurge, maxUnavailable } = resolveFenceposts(surgeValue, unavailableValue, replicas);
  return {
    type: 'RollingUpdate',
    replicas,
    maxSurge,
    maxUnavailable: replicas === 0 ? 0 : Math.min(maxUnavailable, replicas),
  };
}

/** ResolveFenceposts: surge rounded up, unavailable rounded down, never both zero. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { maxSurge: number; maxUnavailable: number } {
  const surge = resolveIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = resolveIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}

/** The most pods (old + new) a rolling Deployment may have at once: replicas + maxSurge. */
export function maxTotalPods(rollout: DeploymentRollout): number {
  return rollout.replicas + rollout.maxSurge;
}

/** The fewest available pods a rolling Deployment keeps: replicas - maxUnavailable (never below 0). */
export function minAvailablePods(rollout: DeploymentRollout): number {
  return Math.max(0, rollout.replicas - rollout.maxUnavailable);
}

/** StatefulSet update parameters resolved against spec.replicas. */
export interface StatefulSetRollout {
  type: 'RollingUpdate' | 'OnDelete';
  replicas: number;
  /** Ordinals below this are not updated (RollingUpdate only; 0 by default). */
  partition: number;
  /** Pods that may be unavailable at once during an update (default 1, at least 1). */
  maxUnavailable: number;
}

/**
 * Resolves a StatefulSet's updateStrategy with API defaults (RollingUpdate, partition 0,
 * maxUnavailable 1). A percentage rounds down against replicas and the result is at least 1, as in
 * the StatefulSet controller (getStatefulSetMaxUnavailable). Throws RangeError on an invalid int-or-percent.
 */
export function resolveStatefulSetStrategy(sts: StatefulSet): StatefulSetRollout {
  const replicas = desiredReplicas(sts);
  const strategy = sts.spec.updateStrategy;
  if (strategy?.type === 'OnDelete') {
    return { type: 'OnDelete', replicas, partition: 0, maxUnavailable: 1 };
  }
  const ru = strategy?.rollingUpdate;
  const maxUnavailable = Math.max(1, resolveIntOrPercent(ru?.maxUnavailable ?? 1, replicas, false));
  return { type: 'RollingUpdate', replicas, partition: ru?.partition ?? 0, maxUnavailable };
}

/** DaemonSet update parameters resolved against the number of nodes that should run it. */
export interface DaemonSetRollout {
  type: 'RollingUpdate' | 'OnDelete';
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Resolves a DaemonSet's updateStrategy (defaults RollingUpdate, maxSurge 0, maxUnavailable 1)
 * against `desiredNumberScheduled`: both round up; both 0 → unavailable 1 (daemonset util
 * SurgeCount / UnavailableCount). Throws RangeError on an invalid int-or-percent.
 */
export function resolveDaemonSetStrategy(ds: DaemonSet, desiredNumberScheduled: number): DaemonSetRollout {
  const strategy = ds.spec.updateStrategy;
  if (strategy?.type === 'OnDelete') return { type: 'OnDelete', maxSurge: 0, maxUnavailable: 0 };
  const ru = strategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge ?? 0, desiredNumberScheduled, true);
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable ?? 1, desiredNumberScheduled, true);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { type: 'RollingUpdate', maxSurge, maxUnavailable };
}
