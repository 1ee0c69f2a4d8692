/**
 * What one workload move works with: its plan action, watch caches of the workload and of the
 * wave's nodes' pods, the deadline, and the running minimum of ready replicas (reported in the
 * summary against the plan's expectedMinReady). Methods in ./methods use only this.
 */
import type { ClusterGateway, ObjectCache } from '../cluster/cluster-gateway.js';
import type { Deployment, KubeObject, Pod, StatefulSet } from '../model/k8s.js';
import type { Action, Plan, Wave } from '../model/plan.js';
import type { Clock } from '../clock.js';
import type { ApplyEvent, WorkloadStep } from './apply-event.js';
import { waitFor } from './wait-for.js';

export type Workload = Deployment | StatefulSet;

export interface ActionContext {
  plan: Plan;
  wave: Wave;
  action: Action;
  gateway: ClusterGateway;
  clock: Clock;
  signal: AbortSignal;
  emit: (event: ApplyEvent) => void;
  deadlineMs: number;
  /** Pods on the wave's nodes (one cache per node). */
  nodePods: ObjectCache<Pod>[];
  /** The Deployment/StatefulSet by name; undefined for bare pods. */
  workload?: ObjectCache<Workload>;
  /** Lowest ready count seen since the move began (null for bare pods). */
  minReady: number | null;
  /** Why the move is waiting, for progress lines. */
  phase: string;
}

/** Reports a visible step of the method (for the report's time axis). */
export function emitStep(ctx: ActionContext, step: WorkloadStep, extra: { pod?: string; replicas?: number } = {}): void {
  ctx.emit({ type: 'workload-step', at: ctx.clock.now(), wave: ctx.wave.index, workload: ctx.action.workload, step, ...extra });
}

/** Ready replicas as the workload's status reports them. */
export function readyOf(w: Workload): number {
  return w.status?.readyReplicas ?? 0;
}

export function desiredOf(w: Workload): number {
  return w.spec.replicas ?? 1;
}

/** The action's pods (by UID) still present on the wave's nodes, terminating or not. */
export function podsLeft(ctx: ActionContext): Pod[] {
  const uids = new Set(ctx.action.podUids);
  const nodes = new Set(ctx.wave.nodes);
  const left: Pod[] = [];
  for (const cache of ctx.nodePods) {
    for (const p of cache.items()) if (uids.has(p.metadata.uid ?? '') && nodes.has(p.spec.nodeName ?? '')) left.push(p);
  }
  return left;
}

/**
 * True when the reviewed plan accepted that this workload does not come back to full strength in
 * this wave (spec.affinity: evict and its replacements fit on no remaining node: AFFINITY_EVICT).
 * Apply then waits only for the pods to leave the nodes; waiting for replacements that can never
 * be scheduled would only end at the timeout.
 */
export function acceptsLoss(ctx: ActionContext): boolean {
  const w = ctx.action.workload;
  return ctx.plan.findings.some(
    (f) => f.code === 'AFFINITY_EVICT' && f.wave === ctx.wave.index && f.object?.kind === w.kind && (f.object.namespace ?? '') === (w.namespace ?? '') && f.object.name === w.name,
  );
}

/** The action's pods are all gone from the wave's nodes (whatever the workload's strength). */
export function podsGone(ctx: ActionContext): true | undefined {
  return podsLeft(ctx).length === 0 ? true : undefined;
}

export function currentWorkload(ctx: ActionContext): Workload | undefined {
  return ctx.workload?.items()[0];
}

export function describeWorkload(ctx: ActionContext): string {
  const w = ctx.action.workload;
  return `${w.kind} "${w.namespace ? `${w.namespace}/` : ''}${w.name}"`;
}

/**
 * Records the minimum ready count and emits progress on every change until the returned stop
 * function is called.
 */
export function trackProgress(ctx: ActionContext): () => void {
  let last = '';
  const observe = () => {
    const w = currentWorkload(ctx);
    const left = podsLeft(ctx).length;
    const ready = w ? readyOf(w) : 0;
    const desired = w ? desiredOf(w) : 0;
    if (w) ctx.minReady = ctx.minReady === null ? ready : Math.min(ctx.minReady, ready);
    const key = `${ready}/${desired}/${left}/${ctx.phase}`;
    if (key === last) return;
    last = key;
    ctx.emit({ type: 'workload-progress', at: ctx.clock.now(), wave: ctx.wave.index, workload: ctx.action.workload, ready, desired, podsLeft: left, phase: ctx.phase });
  };
  const unsubs = [...ctx.nodePods, ...(ctx.workload ? [ctx.workload] : [])].map((c) => c.onChange(observe));
  observe();
  return () => {
    for (const u of unsubs) u();
  };
}

/** Waits until `check` passes on the caches of this move, or fails at the move's deadline. */
export function waitMove<T>(ctx: ActionContext, phase: string, check: () => T | undefined, describe: () => string): Promise<T> {
  ctx.phase = phase;
  const caches: ObjectCache<KubeObject>[] = [...ctx.nodePods, ...(ctx.workload ? [ctx.workload] : [])];
  return waitFor({
    caches,
    check,
    deadlineMs: ctx.deadlineMs,
    clock: ctx.clock,
    signal: ctx.signal,
    timeoutMessage: () => `Timed out ${phase} for ${describeWorkload(ctx)}: ${describe()}`,
  });
}

/** The workload is back at full strength: every desired replica ready, no surplus, nothing of the action left on the nodes. */
export function settled(ctx: ActionContext): true | undefined {
  if (podsLeft(ctx).length > 0) return undefined;
  if (!ctx.workload) return true;
  const w = currentWorkload(ctx);
  if (!w) return undefined;
  const st = w.status;
  if ((st?.observedGeneration ?? 0) < (w.metadata.generation ?? 0)) return undefined;
  if (readyOf(w) < desiredOf(w)) return undefined;
  if ((st?.replicas ?? 0) > desiredOf(w)) return undefined;
  return true;
}

export function settledStatus(ctx: ActionContext): string {
  const w = currentWorkload(ctx);
  const left = podsLeft(ctx).map((p) => p.metadata.name);
  const parts = [w ? `${readyOf(w)}/${desiredOf(w)} ready` : undefined, left.length ? `still on the node: ${left.join(', ')}` : undefined];
  return parts.filter(Boolean).join('; ') || 'no progress';
}
