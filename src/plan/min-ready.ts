/**
 * The least ready replicas expected while an action runs, by Kubernetes' own arithmetic, and
 * the DOWNTIME finding when it falls below spec.replicas.
 *
 * Decision: DOWNTIME is a warning, never an error, even at zero. Some downtime is unavoidable
 * and accepted (a single-replica StatefulSet, an RWO volume that must detach first); refusing it
 * would push operators back to `kubectl drain`, which reports nothing. A full outage says so in
 * the message ("no ready replica") so a reviewer cannot miss it.
 */
import type { Method, ResolvedStrategy } from '../model/plan.js';
import type { WorkloadFinding } from './choose-method.js';

export interface MinReadyInput {
  kind: string;
  label: string;
  method: Method;
  strategy: ResolvedStrategy;
  replicas: number;
  /** Pods of the workload moved off this wave's nodes. */
  moved: number;
  /** Evictions a PodDisruptionBudget lets run at once (undefined: no budget). */
  evictConcurrency?: number;
  /** Pods left Pending because no node fits them (affinity: evict). */
  unplaceable: number;
}

export interface MinReady {
  expectedMinReady: number;
  /** Why it is below replicas ('' when it is not). */
  why: string;
}

export function expectedMinReady(a: MinReadyInput): MinReady {
  const n = a.replicas;
  let min = n;
  let why = '';
  if (a.method === 'delete') {
    min = Math.max(0, n - a.moved);
    why = 'the pod is deleted and nothing recreates it';
  } else if (a.method === 'surge') {
    min = n;
  } else if (a.method === 'roll') {
    if (a.strategy.type === 'Recreate') {
      min = 0;
      why = 'its strategy is Recreate: every pod stops before new ones start';
    } else {
      min = Math.max(0, n - a.strategy.maxUnavailable);
      if (min < n) {
        why = a.kind === 'StatefulSet'
          ? `a restarted StatefulSet pod keeps its name, so its replacement starts only after it is gone (maxUnavailable ${a.strategy.maxUnavailable})`
          : `the restart may stop ${a.strategy.maxUnavailable} pod(s) before replacements are ready (maxUnavailable ${a.strategy.maxUnavailable}${a.strategy.maxSurge === 0 ? ', maxSurge 0' : ''})`;
      }
    }
  } else {
    const atOnce = a.kind === 'StatefulSet' ? 1 : Math.min(a.moved, a.evictConcurrency ?? a.moved);
    min = Math.max(0, n - atOnce);
    if (min < n) {
      why = n === 1
        ? 'its only replica is evicted before a replacement starts'
        : a.kind === 'StatefulSet'
          ? 'an evicted StatefulSet pod keeps its name, so its replacement starts only after it is gone'
          : `${atOnce} of its ${n} pods are evicted at once, before replacements start`;
    }
  }
  if (a.unplaceable > 0) {
    const floor = Math.max(0, n - a.unplaceable);
    if (floor <= min) {
      min = floor;
      why = `${a.unplaceable} pod(s) fit on no remaining node and stay Pending`;
    }
  }
  return { expectedMinReady: Math.min(min, n), why };
}

/** The DOWNTIME finding for an action, or undefined when the workload keeps all its replicas. */
export function downtimeFinding(a: MinReadyInput, r: MinReady): WorkloadFinding | undefined {
  if (r.expectedMinReady >= a.replicas) return undefined;
  const outage = r.expectedMinReady === 0;
  return {
    severity: 'warning',
    code: 'DOWNTIME',
    message: outage
      ? `${a.label} will have no ready replica (0 of ${a.replicas}) while it moves: ${r.why}`
      : `${a.label} drops to ${r.expectedMinReady} of ${a.replicas} ready replicas while it moves: ${r.why}`,
    hint: a.kind === 'Deployment'
      ? 'Use method surge (an override) or a RollingUpdate strategy with maxUnavailable 0 to keep every replica'
      : a.kind === 'StatefulSet'
        ? 'Run more replicas if the service must stay up'
        : undefined,
  };
}

/**
 * NOT_FULLY_AVAILABLE: the workload already runs below spec.replicas, so every figure above is
 * optimistic by that much.
 */
export function availabilityFinding(kind: string, label: string, replicas: number, status: { availableReplicas?: number; readyReplicas?: number } | undefined): WorkloadFinding | undefined {
  if (!status || (kind !== 'Deployment' && kind !== 'StatefulSet')) return undefined;
  const available = status.availableReplicas ?? status.readyReplicas ?? 0;
  if (available >= replicas) return undefined;
  return {
    severity: 'warning',
    code: 'NOT_FULLY_AVAILABLE',
    message: `${label} has ${available} of ${replicas} replicas available before the maintenance starts: moving it lowers that further`,
    hint: 'Find out why replicas are unavailable before draining',
  };
}
