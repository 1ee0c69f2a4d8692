/**
 * Plain-JSON Kubernetes object shapes as they arrive from `kubectl get -o json|yaml`, a
 * snapshot file or the API server. Timestamps are RFC 3339 strings (never Date), and only
 * the fields sdrain reads are typed precisely; spec sub-structures reuse client-node's
 * generated interfaces as types only (no runtime import).
 */
import type {
  V1PodSpec,
  V1NodeSpec,
  V1DeploymentStrategy,
  V1StatefulSetUpdateStrategy,
  V1DaemonSetUpdateStrategy,
  V1LabelSelector,
  V1PersistentVolumeClaimSpec,
  V1PersistentVolumeSpec,
  V1PodDisruptionBudgetSpec,
  V2HorizontalPodAutoscalerSpec,
  V1JobSpec,
  V1StatefulSetPersistentVolumeClaimRetentionPolicy,
  V1StatefulSetOrdinals,
} from '@kubernetes/client-node';

export type { V1LabelSelector as LabelSelector };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [extra: string]: unknown;
}

/** Any object: the common envelope. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [extra: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
}

export interface PodTemplate {
  metadata?: Partial<ObjectMeta>;
  spec: V1PodSpec;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
  state?: Record<string, unknown>;
  lastState?: Record<string, unknown>;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown' | string;
  conditions?: Condition[];
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  nominatedNodeName?: string;
  reason?: string;
  message?: string;
  qosClass?: string;
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: V1PodSpec;
  status?: PodStatus;
}

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: Condition[];
  addresses?: { type: string; address: string }[];
  nodeInfo?: Record<string, string>;
  images?: unknown[];
  [extra: string]: unknown;
}

export interface Node extends KubeObject {
  kind: 'Node';
  spec?: V1NodeSpec;
  status?: NodeStatus;
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export interface DeploymentSpec {
  replicas?: number;
  selector: V1LabelSelector;
  template: PodTemplate;
  strategy?: V1DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  terminatingReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface Deployment extends KubeObject {
  kind: 'Deployment';
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface ReplicaSetSpec {
  replicas?: number;
  selector: V1LabelSelector;
  template?: PodTemplate;
  minReadySeconds?: number;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ReplicaSet extends KubeObject {
  kind: 'ReplicaSet';
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: V1LabelSelector;
  template: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: V1StatefulSetUpdateStrategy;
  volumeClaimTemplates?: { metadata: Partial<ObjectMeta>; spec: V1PersistentVolumeClaimSpec }[];
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  persistentVolumeClaimRetentionPolicy?: V1StatefulSetPersistentVolumeClaimRetentionPolicy;
  ordinals?: V1StatefulSetOrdinals;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface StatefulSet extends KubeObject {
  kind: 'StatefulSet';
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

export interface DaemonSetSpec {
  selector: V1LabelSelector;
  template: PodTemplate;
  updateStrategy?: V1DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  desiredNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  updatedNumberScheduled?: number;
  observedGeneration?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface DaemonSet extends KubeObject {
  kind: 'DaemonSet';
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  kind: 'ControllerRevision';
  data?: unknown;
  revision: number;
}

export interface Job extends KubeObject {
  kind: 'Job';
  spec: Omit<V1JobSpec, 'template'> & { template: PodTemplate };
  status?: Record<string, unknown>;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  kind: 'PodDisruptionBudget';
  spec: V1PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

export interface PersistentVolumeClaim extends KubeObject {
  kind: 'PersistentVolumeClaim';
  spec: V1PersistentVolumeClaimSpec;
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
}

export interface PersistentVolume extends KubeObject {
  kind: 'PersistentVolume';
  spec: V1PersistentVolumeSpec;
  status?: { phase?: string };
}

export interface HorizontalPodAutoscaler extends KubeObject {
  kind: 'HorizontalPodAutoscaler';
  spec: Pick<V2HorizontalPodAutoscalerSpec, 'scaleTargetRef' | 'minReplicas' | 'maxReplicas'> &
    Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface Lease extends KubeObject {
  kind: 'Lease';
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The reference by which plans and findings name an object. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}
