/**
 * The plan file's content: plain data that apply relies on. Written as canonical JSON
 * (sorted keys, no timestamps, no absolute paths) by src/planfile; the human renderings in
 * src/render are produced from this same data. Field names are a public format: add, never
 * rename, without bumping PLAN_FORMAT_VERSION.
 */
import type { MaintenanceSpec } from './spec.js';
import type { ObjectRef } from './k8s.js';

export const PLAN_API_VERSION = 'sdrain.io/v1alpha1';
/**
 * 2: typed `why`, `arrivedPods` and untouched `reason` codes (format 1 kept them as prose in
 * `reason`); a typed fingerprint. Format 1 files are still read (src/planfile/format-1.ts).
 */
export const PLAN_FORMAT_VERSION = 2;

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
  /** warning: new pods' unbound claims were assumed bindable because the snapshot holds no StorageClass. */
  'STORAGE_CLASS_UNKNOWN',
  /** warning: the estimated duration does not fit inside spec.window (from notBefore, or planning's end, to notAfter). */
  'WINDOW_TOO_SHORT',
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

/**
 * Why a method was chosen, as a code with its parameters (`reason` is the sentence rendered
 * from it by src/plan/method-reason.ts). `from` is the method the spec asked for.
 */
export type MethodReason =
  /** The spec's default for the kind (spec.workloads.deployment / statefulSet). */
  | { code: 'DEFAULT'; kind: 'Deployment' | 'StatefulSet' }
  /** spec.workloads.overrides[override - 1] matched. */
  | { code: 'OVERRIDE'; override: number }
  /** The override asked for a method this kind cannot use (a Deployment's "delete"). */
  | { code: 'UNSUPPORTED_METHOD'; from: string }
  /** A paused Deployment does not roll out nor scale cleanly. */
  | { code: 'PAUSED'; from: Method }
  /** An HPA or a GitOps controller owns spec.replicas: surge would fight it. */
  | { code: 'REPLICAS_OWNED'; from: Method; owner: 'hpa' | 'gitops' }
  /** A ReadWriteOnce claim cannot be attached by the new pod while the old one holds it. */
  | { code: 'RWO_VOLUME'; from: Method }
  /** A StatefulSet pod's replacement keeps its name: only evict or roll. */
  | { code: 'STATEFULSET'; from: string }
  /** OnDelete: a restart would replace nothing. */
  | { code: 'ONDELETE'; from: Method }
  /** A partition keeps the ordinals below it from being replaced by a restart. */
  | { code: 'PARTITIONED'; from: Method }
  /** spec.affinity evict: the new pods would fit nowhere, so waiting for them never ends. */
  | { code: 'FITS_NOWHERE'; from: Method }
  /** The update strategy's values cannot be resolved (an error finding says which). */
  | { code: 'INVALID_STRATEGY' }
  /** A pod without a controller; `delete` when spec.workloads.unmanaged is delete. */
  | { code: 'UNMANAGED'; delete: boolean }
  /** The pod's controller is not in the cluster data. */
  | { code: 'UNKNOWN_OWNER' }
  /** A controller sdrain does not roll (Job, ReplicationController, bare ReplicaSet, custom). */
  | { code: 'EVICT_ONLY_OWNER'; kind: string };

export type MethodReasonCode = MethodReason['code'];

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
  /** Why this method was chosen: what apply and tools read. */
  why: MethodReason;
  /** The sentence rendered from `why`, for people (never parsed). */
  reason: string;
  /**
   * Pods of this workload the planner expects an earlier wave to place on these nodes (they are
   * not in `pods`: they do not exist yet); apply moves them with the workload.
   */
  arrivedPods: number;
  /** How long apply is expected to take for this move (src/plan/estimate-duration.ts). Absent in plans written before it existed. */
  estimate?: ActionEstimate;
}

/**
 * Where a duration comes from: `observed` from timestamps in the snapshot (this workload's own
 * pods), `spec` from the maintenance spec (afterEach.expectedDuration), `default` from a stated
 * default because the fact was missing, `unknown` when nothing says (afterEach without
 * expectedDuration: counted as 0).
 */
export type EstimateBasis = 'observed' | 'spec' | 'default' | 'unknown';

/**
 * Where a moved pod's shutdown time comes from: `observed` a preStop sleep on the moved pods (SIGTERM
 * comes no earlier; the process is then assumed to exit within 1 s), `spec` spec.estimate
 * (shutdown or an override), `default` the stated assumption that it exits within 1 s of SIGTERM.
 */
export type ShutdownBasis = 'observed' | 'spec' | 'default';

/** How the shutdown is modelled: see ShutdownStatement in model/spec.ts. */
export type ShutdownModel = 'graceful' | 'whole-grace' | 'duration';

/** The estimate of one workload move. Seconds are rounded to 0.1 s. */
export interface ActionEstimate {
  /** Expected seconds from the move's start until the workload is back at full strength. */
  seconds: number;
  /** The same if every moved pod used its whole terminationGracePeriodSeconds to shut down (and was killed). */
  maxSeconds?: number;
  /** The start-up's basis: `observed` only when it was measured on this workload's pods (the shutdown's is shutdownBasis). */
  basis: EstimateBasis;
  /** One pod's time from creation to Ready (median over the workload's ready pods, or the default). */
  startupSeconds: number;
  /** How many ready pods the start-up time was measured on (0: the default was used). */
  observedPods: number;
  /** spec.minReadySeconds of the workload (counted after Ready before a pod is available). */
  minReadySeconds: number;
  /** Expected shutdown of one moved pod, from deletion until it is gone (see shutdownBasis and src/plan/estimate-shutdown.ts). */
  shutdownSeconds: number;
  /** Where shutdownSeconds comes from. Absent in plans written before it existed. */
  shutdownBasis?: ShutdownBasis;
  /** The shutdown statement used: `graceful` (exits 1 s after SIGTERM, after any preStop sleep), `whole-grace` or `duration` (spec.estimate). */
  shutdownModel?: ShutdownModel;
  /** The longest preStop sleep of the moved pods' containers, in seconds; absent when none has a sleep the planner can read. */
  preStopSeconds?: number;
  /** spec.estimate.overrides[shutdownOverride - 1] stated the shutdown; absent when spec.estimate.shutdown or nothing did. */
  shutdownOverride?: number;
  /** The longest terminationGracePeriodSeconds of the moved pods: the bound maxSeconds uses. */
  graceSeconds?: number;
  /** Sequential rounds: rolling batches, one-at-a-time evictions. */
  rounds: number;
  /** The arithmetic, for humans: "10 rounds × (start-up 2.5 s + minReady 0 s) + shutdown 1 s". */
  formula: string;
}

/** The estimate of a wave: its workloads move concurrently, then afterEach runs node by node. */
export interface WaveEstimate {
  seconds: number;
  /** With whole grace periods (see ActionEstimate.maxSeconds). */
  maxSeconds?: number;
  basis: EstimateBasis;
  /** The longest move of the wave. */
  moveSeconds: number;
  /** afterEach for every node of the wave (0 when unknown or absent). */
  afterEachSeconds: number;
  afterEachBasis?: EstimateBasis;
}

/** The estimate of the whole maintenance: waves run one after another. */
export interface PlanEstimate {
  seconds: number;
  /** With whole grace periods (see ActionEstimate.maxSeconds). */
  maxSeconds?: number;
  basis: EstimateBasis;
  /** What the estimate could not know, as sentences (empty when nothing is missing). */
  caveats: string[];
}

/** Why a pod on a wave's node stays where it is. */
export type UntouchedReason = 'daemonset' | 'mirror' | 'completed' | 'terminating';

export interface Wave {
  /** 1-based. */
  index: number;
  nodes: string[];
  actions: Action[];
  /** Resources the remaining nodes must absorb at peak in this wave. */
  surge: ResourceAmounts;
  /** Free resources on the schedulable nodes remaining during this wave. */
  free: ResourceAmounts;
  /** Pods left alone on these nodes (DaemonSet, mirror, completed, terminating), by node then name. */
  untouched: { node: string; pod: string; namespace: string; reason: UntouchedReason }[];
  /** How long the wave is expected to take. Absent in plans written before it existed. */
  estimate?: WaveEstimate;
}

/** The facts of a node placement reads (fingerprint.nodes / fingerprint.targetNodes). */
export interface NodeFacts {
  unschedulable: boolean;
  taints: { key: string; value: string; effect: string }[];
  labels: Record<string, string>;
  /** status.allocatable as the API server reports it (quantities as strings). */
  allocatable: Record<string, string>;
}

/** The facts of a workload the method choice reads (fingerprint.workloads). */
export interface WorkloadFacts {
  uid: string;
  /** False when the owner is not in the cluster data (then no other field is set). */
  present: boolean;
  replicas?: number | null;
  selector?: unknown;
  /** Deployments: spec.strategy as written. */
  strategy?: unknown;
  /** Deployments: spec.paused. */
  paused?: boolean;
  /** StatefulSets: spec.updateStrategy as written. */
  updateStrategy?: unknown;
  /** `sha256:` of the pod template's scheduling-relevant fields. */
  template?: string;
  /** Labels/annotations of Argo CD or Flux on the workload, sorted. */
  gitopsMarkers?: string[];
}

/** The facts of a pod on a wave's node (fingerprint.pods). */
export interface PodFacts {
  uid: string;
  node: string;
  /** `kind/name/uid` of its controller, or "". */
  owner: string;
  /** [cluster-autoscaler safe-to-evict, karpenter do-not-disrupt] annotation values, "" when absent. */
  optOut: [string, string];
}

export interface PdbFacts {
  uid: string;
  selector: unknown;
  minAvailable: number | string | null;
  maxUnavailable: number | string | null;
  unhealthyPodEvictionPolicy: string | null;
}

export interface HpaFacts {
  uid: string;
  /** `kind/name` of spec.scaleTargetRef, or "". */
  target: string;
  minReplicas: number | null;
  maxReplicas: number | null;
}

/**
 * Decision-relevant facts apply compares to detect drift, keyed by object: nodes and targetNodes
 * by node name, pods/pdbs/hpas by `namespace/name`, workloads by `kind/namespace/name`.
 */
export interface Fingerprint {
  /** Every node not being drained. */
  nodes: Record<string, NodeFacts>;
  /** The nodes being drained. */
  targetNodes: Record<string, NodeFacts>;
  /** Pods on the nodes being drained. */
  pods: Record<string, PodFacts>;
  /** Workloads with pods on the nodes being drained. */
  workloads: Record<string, WorkloadFacts>;
  pdbs: Record<string, PdbFacts>;
  hpas: Record<string, HpaFacts>;
}

export interface Plan {
  apiVersion: typeof PLAN_API_VERSION;
  kind: 'Plan';
  /** The file's format: always PLAN_FORMAT_VERSION when written; 1 for a format-1 file read (and upgraded in memory). */
  formatVersion: 1 | typeof PLAN_FORMAT_VERSION;
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
  fingerprint: Fingerprint;
  /** How long apply is expected to take in total. Absent in plans written before it existed. */
  estimate?: PlanEstimate;
}
