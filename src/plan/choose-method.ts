/**
 * How a workload's pods leave the wave's nodes: the spec's default for its kind, then the first
 * matching override, then fallbacks when the chosen method cannot work safely (paused
 * Deployment, another owner of spec.replicas, a ReadWriteOnce volume, OnDelete/partitioned
 * StatefulSet). Every fallback is reported as a finding so the reviewer sees why.
 */
import type { Deployment, Pod, StatefulSet } from '../model/k8s.js';
import type { FindingCode, Method, MethodReason, ResolvedStrategy, Severity } from '../model/plan.js';
import type { MaintenanceSpec, WorkloadOverride } from '../model/spec.js';
import { desiredReplicas, resolveDeploymentStrategy, resolveStatefulSetStrategy } from '../kube/rolling.js';
import type { ClusterIndex } from './cluster-index.js';
import { qualifiedName } from './compare.js';
import { replicaOwner } from './replica-owner.js';
import type { Workload } from './resolve-workload.js';
import { rwoClaims } from './rwo-claims.js';

/** A finding about a workload, before a wave and node are attached. */
export interface WorkloadFinding {
  severity: Severity;
  code: FindingCode;
  message: string;
  hint?: string;
}

export interface MethodDecision {
  method: Method;
  strategy: ResolvedStrategy;
  /** spec.replicas (or the owner's pod count for controllers sdrain does not model). */
  replicas: number;
  why: MethodReason;
  findings: WorkloadFinding[];
}

const NO_STRATEGY: ResolvedStrategy = { type: 'None', maxSurge: 0, maxUnavailable: 0 };

/** The first override naming this workload, with its 1-based position for the reason text. */
export function matchOverride(workload: Workload, overrides: WorkloadOverride[]): { override: WorkloadOverride; position: number } | undefined {
  for (let i = 0; i < overrides.length; i++) {
    const o = overrides[i]!;
    if (o.kind !== workload.ref.kind) continue;
    if (o.namespace !== undefined && o.namespace !== workload.ref.namespace) continue;
    if (o.name !== undefined && o.name !== workload.ref.name) continue;
    return { override: o, position: i + 1 };
  }
  return undefined;
}

function label(w: Workload): string {
  return `${w.ref.kind} "${qualifiedName(w.ref)}"`;
}

function invalidStrategy(w: Workload, replicas: number, err: unknown): MethodDecision {
  return {
    method: 'evict',
    strategy: NO_STRATEGY,
    replicas,
    why: { code: 'INVALID_STRATEGY' },
    findings: [
      {
        severity: 'error',
        code: 'METHOD_FALLBACK',
        message: `Cannot resolve the update strategy of ${label(w)}: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Fix the strategy values (integers or percentages like "25%")',
      },
    ],
  };
}

function decideDeployment(w: Workload, dep: Deployment, spec: MaintenanceSpec, index: ClusterIndex, pods: Pod[]): MethodDecision {
  const replicas = desiredReplicas(dep);
  let rollout;
  try {
    rollout = resolveDeploymentStrategy(dep);
  } catch (err) {
    return invalidStrategy(w, replicas, err);
  }
  const strategy: ResolvedStrategy = { type: rollout.type, maxSurge: rollout.maxSurge, maxUnavailable: rollout.maxUnavailable };
  const match = matchOverride(w, spec.spec.workloads.overrides);
  let method = (match?.override.method ?? spec.spec.workloads.deployment) as Method;
  let why: MethodReason = match ? { code: 'OVERRIDE', override: match.position } : { code: 'DEFAULT', kind: 'Deployment' };
  const findings: WorkloadFinding[] = [];

  if (method !== 'roll' && method !== 'surge' && method !== 'evict') {
    findings.push({ severity: 'warning', code: 'METHOD_FALLBACK', message: `${label(w)} cannot be moved by "${method}": its pods are evicted instead` });
    method = 'evict';
    why = { code: 'UNSUPPORTED_METHOD', from: String(match?.override.method) };
  }
  if ((method === 'roll' || method === 'surge') && dep.spec.paused === true) {
    findings.push({
      severity: 'warning',
      code: 'PAUSED_DEPLOYMENT',
      message: `${label(w)} is paused: its pods on the node are evicted (honouring PodDisruptionBudgets) instead of ${method === 'roll' ? 'restarted — a paused Deployment does not roll out' : 'surged — scaling a paused rollout would spread new replicas over its old and new ReplicaSets'}`,
      hint: 'Resume the Deployment (kubectl rollout resume) before planning to move it without eviction',
    });
    why = { code: 'PAUSED', from: method };
    method = 'evict';
  }
  if (method === 'surge') {
    const owner = replicaOwner(dep, index);
    if (owner) {
      const who = owner.kind === 'hpa' ? `HorizontalPodAutoscaler "${owner.hpa.metadata.name}"` : `a GitOps controller (${owner.evidence})`;
      findings.push({
        severity: 'warning',
        code: owner.kind === 'hpa' ? 'HPA_OWNS_REPLICAS' : 'GITOPS_OWNS_REPLICAS',
        message: `${label(w)} is restarted (roll) instead of surged: ${who} owns spec.replicas and would undo a temporary scale-up`,
      });
      why = { code: 'REPLICAS_OWNED', from: 'surge', owner: owner.kind === 'hpa' ? 'hpa' : 'gitops' };
      method = 'roll';
    }
  }
  const needsVolumeTwice = method === 'surge' || (method === 'roll' && rollout.type === 'RollingUpdate');
  if (needsVolumeTwice) {
    const claims = rwoClaims(pods, index);
    if (claims.length > 0) {
      findings.push({
        severity: 'warning',
        code: 'RWO_VOLUME',
        message: `${label(w)} mounts ReadWriteOnce claim(s) ${claims.map((c) => `"${c}"`).join(', ')}: a new pod on another node could not attach them while the old pod holds them, so its pods are evicted instead of ${method === 'surge' ? 'surged' : 'rolled'}`,
        hint: 'Expect the pod to be down while its volume moves; use a ReadWriteMany claim to avoid it',
      });
      why = { code: 'RWO_VOLUME', from: method };
      method = 'evict';
    }
  }
  return { method, strategy, replicas, why, findings };
}

function decideStatefulSet(w: Workload, sts: StatefulSet, spec: MaintenanceSpec): MethodDecision {
  const replicas = desiredReplicas(sts);
  let rollout;
  try {
    rollout = resolveStatefulSetStrategy(sts);
  } catch (err) {
    return invalidStrategy(w, replicas, err);
  }
  const strategy: ResolvedStrategy = { type: rollout.type, maxSurge: 0, maxUnavailable: rollout.maxUnavailable };
  if (rollout.type === 'RollingUpdate') strategy.partition = rollout.partition;
  const match = matchOverride(w, spec.spec.workloads.overrides);
  let method = (match?.override.method ?? spec.spec.workloads.statefulSet) as Method;
  let why: MethodReason = match ? { code: 'OVERRIDE', override: match.position } : { code: 'DEFAULT', kind: 'StatefulSet' };
  const findings: WorkloadFinding[] = [];
  if (method !== 'roll' && method !== 'evict') {
    findings.push({
      severity: 'warning',
      code: 'METHOD_FALLBACK',
      message: `${label(w)} cannot be moved by "${method}" (a StatefulSet pod's replacement keeps its name, so it cannot start before the old pod is gone): its pods are evicted instead`,
    });
    why = { code: 'STATEFULSET', from: method };
    method = 'evict';
  }
  if (method === 'roll' && rollout.type === 'OnDelete') {
    findings.push({
      severity: 'warning',
      code: 'ONDELETE_STATEFULSET',
      message: `${label(w)} uses the OnDelete update strategy, so a restart would replace nothing: its pods on the node are evicted instead, one at a time`,
    });
    why = { code: 'ONDELETE', from: 'roll' };
    method = 'evict';
  }
  if (method === 'roll' && rollout.partition > 0) {
    findings.push({
      severity: 'warning',
      code: 'METHOD_FALLBACK',
      message: `${label(w)} has partition ${rollout.partition}: a restart would not replace ordinals below it, so its pods on the node are evicted instead, one at a time`,
    });
    why = { code: 'PARTITIONED', from: 'roll' };
    method = 'evict';
  }
  return { method, strategy, replicas, why, findings };
}

/** Decides the method for one workload whose `pods` sit on the wave's nodes. */
export function chooseMethod(w: Workload, spec: MaintenanceSpec, index: ClusterIndex, pods: Pod[]): MethodDecision {
  if (w.category === 'deployment' && w.object) return decideDeployment(w, w.object as Deployment, spec, index, pods);
  if (w.category === 'statefulset' && w.object) return decideStatefulSet(w, w.object as StatefulSet, spec);
  if (w.category === 'unmanaged') {
    const del = spec.spec.workloads.unmanaged === 'delete';
    return { method: del ? 'delete' : 'evict', strategy: NO_STRATEGY, replicas: 1, why: { code: 'UNMANAGED', delete: del }, findings: [] };
  }
  const specReplicas = (w.object?.spec as { replicas?: unknown } | undefined)?.replicas;
  const ownerPods = index.podsByController.get(w.key)?.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length ?? pods.length;
  const replicas = typeof specReplicas === 'number' && w.ref.kind !== 'Job' ? specReplicas : Math.max(ownerPods, pods.length);
  return {
    method: 'evict',
    strategy: NO_STRATEGY,
    replicas,
    why: w.category === 'unknown-owner' ? { code: 'UNKNOWN_OWNER' } : { code: 'EVICT_ONLY_OWNER', kind: w.ref.kind },
    findings: [],
  };
}
