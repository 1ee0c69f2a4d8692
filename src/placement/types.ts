/**
 * Shared types of the placement engine (kube-scheduler's filters, re-implemented as pure
 * functions so the planner and the simulator's scheduler place pods identically).
 */
import type { KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';

/** The kube-scheduler plugin whose filter rejected a node, by its upstream name. */
export type PredicateName =
  | 'NodeUnschedulable'
  | 'NodeName'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'NodePorts'
  | 'NodeResourcesFit'
  | 'VolumeRestrictions'
  | 'VolumeBinding'
  | 'VolumeZone'
  | 'PodTopologySpread'
  | 'InterPodAffinity';

/** One reason a node cannot take a pod, worded like kube-scheduler ("Insufficient cpu"). */
export interface PredicateFailure {
  predicate: PredicateName;
  message: string;
  /**
   * True when evicting pods from the node could not help (kube-scheduler's
   * UnschedulableAndUnresolvable), e.g. a taint or a node affinity mismatch.
   */
  unresolvable?: boolean;
  /**
   * True when the failure comes from a pod-wide check (kube-scheduler's PreFilter) and is the
   * same for every node, e.g. a missing PersistentVolumeClaim.
   */
  podWide?: boolean;
}

/** What `buildPlacementState` needs: the cluster objects placement reads. */
export interface PlacementInput {
  nodes: readonly Node[];
  /** All pods; only non-terminal pods with spec.nodeName count as placed. */
  pods: readonly Pod[];
  pvcs?: readonly PersistentVolumeClaim[];
  pvs?: readonly PersistentVolume[];
  /** Namespaces, for affinity terms' namespaceSelector (labels). */
  namespaces?: readonly Namespace[];
  /**
   * StorageClasses (kind StorageClass), for unbound claims: an Immediate class makes an unbound
   * claim block scheduling; allowedTopologies of a WaitForFirstConsumer class restrict nodes.
   * Unbound claims of unknown classes are assumed to be provisionable anywhere.
   */
  storageClasses?: readonly KubeObject[];
}

/** The result of scheduling one pod. */
export interface ScheduleResult {
  /** The chosen node; absent when no node fits. */
  node?: string;
  /**
   * Why each rejected node was rejected, by node name (only rejected nodes appear; for a pod
   * pinned to nodes by `matchFields metadata.name` — DaemonSet pods — only those nodes).
   */
  failures: Record<string, PredicateFailure[]>;
  /**
   * kube-scheduler's summary: "" when a node was found, otherwise e.g.
   * "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
   */
  message: string;
}

/**
 * The empty failure list the filters return for a node that passes (shared, frozen: they run
 * once per node per pod, so they do not allocate one each time). Never mutate a filter's result.
 */
export const NO_FAILURES = Object.freeze([]) as unknown as PredicateFailure[];

/** An object placement could not read fully (an invalid quantity, counted as 0). */
export interface PlacementProblem {
  /** e.g. `Pod "shop/api-1"` or `Node "n1"`. */
  object: string;
  message: string;
}
