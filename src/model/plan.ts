/**
 * The plan file's content: plain data that apply relies on. Written as canonical JSON
 * (sorted keys, no timestamps, no absolute paths) by src/planfile; the human renderings in
 * src/render are produced from this same data. Field names are a public format: add, never
 * rename, without bumping PLAN_FORMAT_VERSION.
 */
import type { MaintenanceSpec } from './spec.js';
import type { ObjectRef } from './k8s.js';

export const PLAN_API_VERSION = 'sdrain.io/v1alpha1';
export const PLAN_FORMAT_VERSION = 1;

export type Severity = 'error' | 'warning' | 'info';

/**
 * Every finding code, as a closed list: a code not listed here does not compile, and a plan
 * file carrying one is refused by the reader (it was written by another sdrain).
 */
export const FINDING_CODES = [
  'UNPLACEABLE',
  'INSUFFICIENT_CAPACITY',
  'DOWNTIME',
  'PDB_BLOCKS',
  'PDB_MULTIPLE',
  'RWO_VOLUME',
  'UNMANAGED_POD',
  'LOCAL_STORAGE',
  'NODE_NOT_FOUND',
  'NODE_NOT_READY',
  'NODE_SKIPPED',
  'NO_NODES',
  'SAFE_TO_EVICT_FALSE',
  'DO_NOT_DISRUPT',
  'PAUSED_DEPLOYMENT',
  'ONDELETE_STATEFULSET',
  'NOT_FULLY_AVAILABLE',
  'HPA_OWNS_REPLICAS',
  'GITOPS_OWNS_REPLICAS',
  'METHOD_FALLBACK',
  'DAEMONSET_POD',
  'MIRROR_POD',
  'COMPLETED_POD',
  'UNKNOWN_OWNER',
  'AFFINITY_EVICT',
  'WINDOW',
  /** info: a pod already being deleted is left alone (listed in wave.untouched). */
  'TERMINATING_POD',
  /** warning: a pod of a controller sdrain does not roll (Job, ReplicationController, bare ReplicaSet, custom) is evicted. */
  'EVICT_ONLY_OWNER',
  /** warning: roll/surge bypass a PodDisruptionBudget that is already at its limit (or that the move would go below). */
  'PDB_AT_LIMIT',
  /** warning: the workload's pods name another scheduler (spec.schedulerName); placement is predicted with kube-scheduler's rules. */
  'CUSTOM_SCHEDULER',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  severity: Severity;
  code: FindingCode;
  /** 1-based wave number, when a wave is concerned. */
  wave?: number;
  node?: string;
  object?: ObjectRef;
  message: string;
  /** What the operator can do about it. */
  hint?: string;
}

export interface ResourceAmounts {
  /** millicores */
  cpuMilli: number;
  /** bytes */
  memory: number;
  pods: number;
}

/** How a workload's pods leave the wave's nodes. */
export type Method = 'roll' | 'surge' | 'evict' | 'delete';

export interface ResolvedStrategy {
  type: 'RollingUpdate' | 'Recreate' | 'OnDelete' | 'None';
  /** Resolved integers against spec.replicas with Kubernetes rounding. */
  maxSurge: number;
  maxUnavailable: number;
  partition?: number;
}

export interface Action {
  workload: ObjectRef & { uid?: string };
  method: Method;
  /** Names of this workload's pods on the wave's nodes, sorted. */
  pods: string[];
  /** UIDs of those pods, same order: apply checks them before evicting. */
  podUids: string[];
  /** spec.replicas at plan time (1 for a bare pod). */
  replicas: number;
  strategy: ResolvedStrategy;
  /** The least number of ready replicas expected while this action runs. */
  expectedMinReady: number;
  /** Extra pods created at peak while moving (surge pods, all replicas' surge for roll). */
  surgePods: number;
  /** Why this method was chosen (default, override, fallback). */
  reason: string;
}

export interface Wave {
  /** 1-based. */
  index: number;
  nodes: string[];
  actions: Action[];
  /** Resources the remaining nodes must absorb at peak in this wave. */
  surge: ResourceAmounts;
  /** Free resources on the schedulable nodes remaining during this wave. */
  free: ResourceAmounts;
  /** Pods left alone on these nodes (DaemonSet, mirror, completed), by node then name. */
  untouched: { node: string; pod: string; namespace: string; reason: string }[];
}

export interface Plan {
  apiVersion: typeof PLAN_API_VERSION;
  kind: 'Plan';
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** `sha256:<hex>` of the canonical content without this field. */
  digest: string;
  /** sdrain version that wrote it. */
  toolVersion: string;
  spec: MaintenanceSpec;
  cluster: { server?: string; uid?: string };
  waves: Wave[];
  findings: Finding[];
  /** True when no finding has severity error. */
  applicable: boolean;
  /**
   * Decision-relevant facts apply compares to detect drift: object identities, replica counts,
   * strategies, selectors, PDBs, HPAs, node capacity/taints/labels used by placement. Never
   * env values, Secret data or tokens.
   */
  fingerprint: Record<string, unknown>;
}
