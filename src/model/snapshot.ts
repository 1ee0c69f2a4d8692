/**
 * Everything the planner reads about a cluster, as plain data. Built from a file of objects
 * (`kubectl get -o yaml|json`, sdrain's own snapshot) or read live by src/cluster. Each
 * collection is sorted by namespace, name, uid (plain code-unit order) so identical clusters
 * give identical snapshots whatever order the objects arrived in.
 */
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  KubeObject,
  Lease,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  StatefulSet,
} from './k8s.js';

export interface ClusterIdentity {
  /** The API server URL the snapshot was read from; absent for files. */
  server?: string;
  /** A stable identity: the UID of the kube-system namespace, when known. */
  uid?: string;
}

export interface Snapshot {
  cluster: ClusterIdentity;
  namespaces: Namespace[];
  nodes: Node[];
  pods: Pod[];
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  statefulSets: StatefulSet[];
  daemonSets: DaemonSet[];
  controllerRevisions: ControllerRevision[];
  jobs: Job[];
  pdbs: PodDisruptionBudget[];
  pvcs: PersistentVolumeClaim[];
  pvs: PersistentVolume[];
  hpas: HorizontalPodAutoscaler[];
  leases: Lease[];
  /** Objects of kinds sdrain does not model (StorageClass, PriorityClass, CronJob, ...). */
  other: KubeObject[];
}

/** The snapshot collections keyed by kind, for generic code. */
export const SNAPSHOT_KINDS = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  Deployment: 'deployments',
  ReplicaSet: 'replicaSets',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
  ControllerRevision: 'controllerRevisions',
  Job: 'jobs',
  PodDisruptionBudget: 'pdbs',
  PersistentVolumeClaim: 'pvcs',
  PersistentVolume: 'pvs',
  HorizontalPodAutoscaler: 'hpas',
  Lease: 'leases',
} as const satisfies Record<string, keyof Snapshot>;

export type SnapshotKind = keyof typeof SNAPSHOT_KINDS;

export function emptySnapshot(cluster: ClusterIdentity = {}): Snapshot {
  return {
    cluster,
    namespaces: [],
    nodes: [],
    pods: [],
    deployments: [],
    replicaSets: [],
    statefulSets: [],
    daemonSets: [],
    controllerRevisions: [],
    jobs: [],
    pdbs: [],
    pvcs: [],
    pvs: [],
    hpas: [],
    leases: [],
    other: [],
  };
}
