/**
 * The maintenance spec (`apiVersion: sdrain.io/v1alpha1`, `kind: Maintenance`) after parsing,
 * validation and defaulting: every field below is resolved, so the planner never guesses.
 */

export type NodeOrder = 'listed' | 'name' | 'zone';
export type AffinityPolicy = 'fail' | 'evict' | 'skip';
export type DeploymentMethod = 'roll' | 'surge' | 'evict';
export type StatefulSetMethod = 'evict' | 'roll';
export type UnmanagedPolicy = 'fail' | 'delete';
export type LocalStoragePolicy = 'fail' | 'delete';

/** Per-workload override: matches by kind/namespace/name (name may be omitted = all in namespace). */
export interface WorkloadOverride {
  kind: 'Deployment' | 'StatefulSet';
  namespace?: string;
  name?: string;
  method: DeploymentMethod | StatefulSetMethod;
}

/**
 * What the estimate assumes about how long a moved pod takes to stop once it is deleted (a
 * snapshot records no past shutdowns): `graceful` — it exits within about a second of SIGTERM
 * (after its preStop sleep, when it has one); `whole-grace` — it uses its whole
 * terminationGracePeriodSeconds; `duration` — it takes `seconds` (capped by the grace period,
 * never below its preStop sleep). Used only by the duration estimate.
 */
export type ShutdownStatement = { model: 'graceful' } | { model: 'whole-grace' } | { model: 'duration'; seconds: number };

/** spec.estimate.overrides[]: a shutdown statement for the workloads it matches (name/kind omitted = all in the namespace). */
export interface EstimateOverride {
  kind?: 'Deployment' | 'StatefulSet';
  namespace: string;
  name?: string;
  shutdown: ShutdownStatement;
}

export interface MaintenanceSpec {
  apiVersion: 'sdrain.io/v1alpha1';
  kind: 'Maintenance';
  metadata: { name: string };
  spec: {
    nodes: {
      /** Explicit node names, in the order given (duplicates removed). */
      names: string[];
      /** Label selector string; nodes it matches are added after `names`, by name. */
      selector?: string;
    };
    order: NodeOrder;
    /** Nodes drained at the same time (≥ 1). */
    concurrency: number;
    affinity: AffinityPolicy;
    workloads: {
      deployment: DeploymentMethod;
      statefulSet: StatefulSetMethod;
      unmanaged: UnmanagedPolicy;
      localStorage: LocalStoragePolicy;
      /** Per-workload method overrides, first match wins. */
      overrides: WorkloadOverride[];
    };
    /** Durations normalised to whole seconds. */
    timeouts: { workloadSeconds: number; nodeSeconds: number };
    /** RFC 3339 instants, normalised to UTC `YYYY-MM-DDTHH:MM:SSZ`. */
    window?: { notBefore?: string; notAfter?: string };
    afterEach?: {
      command: string[];
      uncordon: boolean;
      /** How long the command (and the node's return to Ready) is expected to take, whole seconds: used only by the duration estimate. */
      expectedSeconds?: number;
    };
    /** Facts for the duration estimate that a snapshot cannot show; absent when the spec has no `estimate`. */
    estimate?: {
      /** For every workload no override matches; absent: graceful, as a stated default. */
      shutdown?: ShutdownStatement;
      /** First match wins. */
      overrides: EstimateOverride[];
    };
  };
}
