/**
 * Our own minimal descriptors of the Kubernetes protobuf messages kubectl's typed commands send
 * as request bodies (`kubectl create namespace|deployment|configmap|secret|serviceaccount|job|
 * cronjob|role|rolebinding|clusterrole|clusterrolebinding|poddisruptionbudget|priorityclass`,
 * `kubectl autoscale` and `kubectl debug node/…`, measured with kubectl 1.35). Field numbers were read from the
 * Kubernetes API's generated.proto files (k8s.io/api, k8s.io/apimachinery); the text is ours,
 * and only the fields those commands (and their flags) can fill are listed — a field missing here
 * makes the decoder refuse the body with 415 naming it, never drop it silently.
 *
 * Notation, one string per field number: `name:type`, where type is a scalar (`string`, `bytes`,
 * `int32`, `int64`, `bool`), a Kubernetes special (`time`, `quantity`, `intOrString`), or a
 * message name; `type[]` is repeated, `map<type>` a map with string keys. A `?` marks a pointer
 * field in Go (its zero value is meaningful and kept; other zero scalars are what gogo-protobuf
 * writes for unset non-pointer fields and are dropped, as JSON's omitempty would). `...:Type`
 * is an embedded struct whose fields JSON inlines. `name:-` is read and ignored (status, which
 * the API server resets on create anyway; managedFields).
 */

type Schema = Record<string, Record<number, string>>;

const OBJECT: Record<number, string> = { 1: 'metadata:ObjectMeta' };

/** Message name → field number → field notation. */
export const MESSAGES: Schema = {
  // k8s.io/apimachinery meta/v1
  ObjectMeta: {
    1: 'name:string', 2: 'generateName:string', 3: 'namespace:string', 4: 'selfLink:string', 5: 'uid:string', 6: 'resourceVersion:string',
    7: 'generation:int64', 8: 'creationTimestamp:time', 9: 'deletionTimestamp:time', 10: 'deletionGracePeriodSeconds:int64?',
    11: 'labels:map<string>', 12: 'annotations:map<string>', 13: 'ownerReferences:OwnerReference[]', 14: 'finalizers:string[]', 17: 'managedFields:-',
  },
  OwnerReference: { 1: 'kind:string', 3: 'name:string', 4: 'uid:string', 5: 'apiVersion:string', 6: 'controller:bool?', 7: 'blockOwnerDeletion:bool?' },
  LabelSelector: { 1: 'matchLabels:map<string>', 2: 'matchExpressions:LabelSelectorRequirement[]' },
  LabelSelectorRequirement: { 1: 'key:string', 2: 'operator:string', 3: 'values:string[]' },

  // k8s.io/api core/v1
  Namespace: { ...OBJECT, 2: 'spec:NamespaceSpec', 3: 'status:-' },
  NamespaceSpec: { 1: 'finalizers:string[]' },
  ConfigMap: { ...OBJECT, 2: 'data:map<string>', 3: 'binaryData:map<bytes>', 4: 'immutable:bool?' },
  Secret: { ...OBJECT, 2: 'data:map<bytes>', 3: 'type:string', 4: 'stringData:map<string>', 5: 'immutable:bool?' },
  ServiceAccount: { ...OBJECT, 2: 'secrets:ObjectReference[]', 3: 'imagePullSecrets:LocalObjectReference[]', 4: 'automountServiceAccountToken:bool?' },
  ObjectReference: { 1: 'kind:string', 2: 'namespace:string', 3: 'name:string', 4: 'uid:string', 5: 'apiVersion:string', 6: 'resourceVersion:string', 7: 'fieldPath:string' },
  LocalObjectReference: { 1: 'name:string' },
  Pod: { ...OBJECT, 2: 'spec:PodSpec', 3: 'status:-' },
  PodTemplateSpec: { ...OBJECT, 2: 'spec:PodSpec' },
  PodSpec: {
    1: 'volumes:Volume[]', 2: 'containers:Container[]', 3: 'restartPolicy:string', 4: 'terminationGracePeriodSeconds:int64?', 5: 'activeDeadlineSeconds:int64?',
    6: 'dnsPolicy:string', 7: 'nodeSelector:map<string>', 8: 'serviceAccountName:string', 9: 'serviceAccount:string', 10: 'nodeName:string',
    11: 'hostNetwork:bool', 12: 'hostPID:bool', 13: 'hostIPC:bool', 14: 'securityContext:PodSecurityContext', 15: 'imagePullSecrets:LocalObjectReference[]',
    16: 'hostname:string', 17: 'subdomain:string', 18: 'affinity:Affinity', 19: 'schedulerName:string', 20: 'initContainers:Container[]',
    21: 'automountServiceAccountToken:bool?', 22: 'tolerations:Toleration[]', 23: 'hostAliases:HostAlias[]', 24: 'priorityClassName:string', 25: 'priority:int32?',
    27: 'shareProcessNamespace:bool?', 28: 'readinessGates:PodReadinessGate[]', 29: 'runtimeClassName:string?', 30: 'enableServiceLinks:bool?',
    31: 'preemptionPolicy:string?', 33: 'topologySpreadConstraints:TopologySpreadConstraint[]', 35: 'setHostnameAsFQDN:bool?',
  },
  PodReadinessGate: { 1: 'conditionType:string' },
  HostAlias: { 1: 'ip:string', 2: 'hostnames:string[]' },
  Container: {
    1: 'name:string', 2: 'image:string', 3: 'command:string[]', 4: 'args:string[]', 5: 'workingDir:string', 6: 'ports:ContainerPort[]', 7: 'env:EnvVar[]',
    8: 'resources:ResourceRequirements', 9: 'volumeMounts:VolumeMount[]', 10: 'livenessProbe:Probe', 11: 'readinessProbe:Probe', 12: 'lifecycle:Lifecycle',
    13: 'terminationMessagePath:string', 14: 'imagePullPolicy:string', 15: 'securityContext:SecurityContext', 16: 'stdin:bool', 17: 'stdinOnce:bool',
    18: 'tty:bool', 19: 'envFrom:EnvFromSource[]', 20: 'terminationMessagePolicy:string', 21: 'volumeDevices:VolumeDevice[]', 22: 'startupProbe:Probe',
  },
  ContainerPort: { 1: 'name:string', 2: 'hostPort:int32', 3: 'containerPort:int32', 4: 'protocol:string', 5: 'hostIP:string' },
  EnvVar: { 1: 'name:string', 2: 'value:string', 3: 'valueFrom:EnvVarSource' },
  EnvVarSource: { 1: 'fieldRef:ObjectFieldSelector', 2: 'resourceFieldRef:ResourceFieldSelector', 3: 'configMapKeyRef:KeySelector', 4: 'secretKeyRef:KeySelector' },
  ObjectFieldSelector: { 1: 'apiVersion:string', 2: 'fieldPath:string' },
  ResourceFieldSelector: { 1: 'containerName:string', 2: 'resource:string', 3: 'divisor:quantity' },
  // ConfigMapKeySelector and SecretKeySelector have the same fields.
  KeySelector: { 1: '...:LocalObjectReference', 2: 'key:string', 3: 'optional:bool?' },
  EnvFromSource: { 1: 'prefix:string', 2: 'configMapRef:EnvSource', 3: 'secretRef:EnvSource' },
  // ConfigMapEnvSource and SecretEnvSource have the same fields.
  EnvSource: { 1: '...:LocalObjectReference', 2: 'optional:bool?' },
  ResourceRequirements: { 1: 'limits:map<quantity>', 2: 'requests:map<quantity>' },
  VolumeMount: { 1: 'name:string', 2: 'readOnly:bool', 3: 'mountPath:string', 4: 'subPath:string', 5: 'mountPropagation:string?', 6: 'subPathExpr:string' },
  VolumeDevice: { 1: 'name:string', 2: 'devicePath:string' },
  Probe: {
    1: '...:ProbeHandler', 2: 'initialDelaySeconds:int32', 3: 'timeoutSeconds:int32', 4: 'periodSeconds:int32', 5: 'successThreshold:int32',
    6: 'failureThreshold:int32', 7: 'terminationGracePeriodSeconds:int64?',
  },
  ProbeHandler: { 1: 'exec:ExecAction', 2: 'httpGet:HTTPGetAction', 3: 'tcpSocket:TCPSocketAction' },
  Lifecycle: { 1: 'postStart:ProbeHandler', 2: 'preStop:ProbeHandler' },
  ExecAction: { 1: 'command:string[]' },
  HTTPGetAction: { 1: 'path:string', 2: 'port:intOrString', 3: 'host:string', 4: 'scheme:string', 5: 'httpHeaders:HTTPHeader[]' },
  HTTPHeader: { 1: 'name:string', 2: 'value:string' },
  TCPSocketAction: { 1: 'port:intOrString', 2: 'host:string' },
  SecurityContext: {
    1: 'capabilities:Capabilities', 2: 'privileged:bool?', 3: 'seLinuxOptions:SELinuxOptions', 4: 'runAsUser:int64?', 5: 'runAsNonRoot:bool?',
    6: 'readOnlyRootFilesystem:bool?', 7: 'allowPrivilegeEscalation:bool?', 8: 'runAsGroup:int64?', 9: 'procMount:string?', 11: 'seccompProfile:SeccompProfile',
  },
  Capabilities: { 1: 'add:string[]', 2: 'drop:string[]' },
  SELinuxOptions: { 1: 'user:string', 2: 'role:string', 3: 'type:string', 4: 'level:string' },
  SeccompProfile: { 1: 'type:string', 2: 'localhostProfile:string?' },
  PodSecurityContext: {
    1: 'seLinuxOptions:SELinuxOptions', 2: 'runAsUser:int64?', 3: 'runAsNonRoot:bool?', 4: 'supplementalGroups:int64[]', 5: 'fsGroup:int64?',
    6: 'runAsGroup:int64?', 7: 'sysctls:Sysctl[]', 9: 'fsGroupChangePolicy:string?', 10: 'seccompProfile:SeccompProfile',
  },
  Sysctl: { 1: 'name:string', 2: 'value:string' },
  Toleration: { 1: 'key:string', 2: 'operator:string', 3: 'value:string', 4: 'effect:string', 5: 'tolerationSeconds:int64?' },
  Volume: { 1: 'name:string', 2: '...:VolumeSource' },
  VolumeSource: {
    1: 'hostPath:HostPathVolumeSource', 2: 'emptyDir:EmptyDirVolumeSource', 6: 'secret:SecretVolumeSource', 10: 'persistentVolumeClaim:PersistentVolumeClaimVolumeSource',
    16: 'downwardAPI:DownwardAPIVolumeSource', 19: 'configMap:ConfigMapVolumeSource', 26: 'projected:ProjectedVolumeSource',
  },
  HostPathVolumeSource: { 1: 'path:string', 2: 'type:string?' },
  EmptyDirVolumeSource: { 1: 'medium:string', 2: 'sizeLimit:quantity' },
  SecretVolumeSource: { 1: 'secretName:string', 2: 'items:KeyToPath[]', 3: 'defaultMode:int32?', 4: 'optional:bool?' },
  ConfigMapVolumeSource: { 1: '...:LocalObjectReference', 2: 'items:KeyToPath[]', 3: 'defaultMode:int32?', 4: 'optional:bool?' },
  KeyToPath: { 1: 'key:string', 2: 'path:string', 3: 'mode:int32?' },
  PersistentVolumeClaimVolumeSource: { 1: 'claimName:string', 2: 'readOnly:bool' },
  DownwardAPIVolumeSource: { 1: 'items:DownwardAPIVolumeFile[]', 2: 'defaultMode:int32?' },
  DownwardAPIVolumeFile: { 1: 'path:string', 2: 'fieldRef:ObjectFieldSelector', 3: 'resourceFieldRef:ResourceFieldSelector', 4: 'mode:int32?' },
  ProjectedVolumeSource: { 1: 'sources:VolumeProjection[]', 2: 'defaultMode:int32?' },
  VolumeProjection: { 1: 'secret:Projection', 2: 'downwardAPI:DownwardAPIProjection', 3: 'configMap:Projection', 4: 'serviceAccountToken:ServiceAccountTokenProjection' },
  // SecretProjection and ConfigMapProjection have the same fields.
  Projection: { 1: '...:LocalObjectReference', 2: 'items:KeyToPath[]', 4: 'optional:bool?' },
  DownwardAPIProjection: { 1: 'items:DownwardAPIVolumeFile[]' },
  ServiceAccountTokenProjection: { 1: 'audience:string', 2: 'expirationSeconds:int64?', 3: 'path:string' },
  Affinity: { 1: 'nodeAffinity:NodeAffinity', 2: 'podAffinity:PodAffinity', 3: 'podAntiAffinity:PodAffinity' },
  NodeAffinity: { 1: 'requiredDuringSchedulingIgnoredDuringExecution:NodeSelector', 2: 'preferredDuringSchedulingIgnoredDuringExecution:PreferredSchedulingTerm[]' },
  NodeSelector: { 1: 'nodeSelectorTerms:NodeSelectorTerm[]' },
  NodeSelectorTerm: { 1: 'matchExpressions:NodeSelectorRequirement[]', 2: 'matchFields:NodeSelectorRequirement[]' },
  NodeSelectorRequirement: { 1: 'key:string', 2: 'operator:string', 3: 'values:string[]' },
  PreferredSchedulingTerm: { 1: 'weight:int32', 2: 'preference:NodeSelectorTerm' },
  // PodAntiAffinity has the same fields.
  PodAffinity: { 1: 'requiredDuringSchedulingIgnoredDuringExecution:PodAffinityTerm[]', 2: 'preferredDuringSchedulingIgnoredDuringExecution:WeightedPodAffinityTerm[]' },
  PodAffinityTerm: { 1: 'labelSelector:LabelSelector', 2: 'namespaces:string[]', 3: 'topologyKey:string', 4: 'namespaceSelector:LabelSelector' },
  WeightedPodAffinityTerm: { 1: 'weight:int32', 2: 'podAffinityTerm:PodAffinityTerm' },
  TopologySpreadConstraint: { 1: 'maxSkew:int32', 2: 'topologyKey:string', 3: 'whenUnsatisfiable:string', 4: 'labelSelector:LabelSelector' },

  // k8s.io/api apps/v1
  Deployment: { ...OBJECT, 2: 'spec:DeploymentSpec', 3: 'status:-' },
  DeploymentSpec: {
    1: 'replicas:int32?', 2: 'selector:LabelSelector', 3: 'template:PodTemplateSpec', 4: 'strategy:DeploymentStrategy', 5: 'minReadySeconds:int32',
    6: 'revisionHistoryLimit:int32?', 7: 'paused:bool', 9: 'progressDeadlineSeconds:int32?',
  },
  DeploymentStrategy: { 1: 'type:string', 2: 'rollingUpdate:RollingUpdateDeployment' },
  RollingUpdateDeployment: { 1: 'maxUnavailable:intOrString', 2: 'maxSurge:intOrString' },

  // k8s.io/api batch/v1
  Job: { ...OBJECT, 2: 'spec:JobSpec', 3: 'status:-' },
  JobSpec: {
    1: 'parallelism:int32?', 2: 'completions:int32?', 3: 'activeDeadlineSeconds:int64?', 4: 'selector:LabelSelector', 5: 'manualSelector:bool?',
    6: 'template:PodTemplateSpec', 7: 'backoffLimit:int32?', 8: 'ttlSecondsAfterFinished:int32?', 9: 'completionMode:string?', 10: 'suspend:bool?',
  },
  CronJob: { ...OBJECT, 2: 'spec:CronJobSpec', 3: 'status:-' },
  CronJobSpec: {
    1: 'schedule:string', 2: 'startingDeadlineSeconds:int64?', 3: 'concurrencyPolicy:string', 4: 'suspend:bool?', 5: 'jobTemplate:JobTemplateSpec',
    6: 'successfulJobsHistoryLimit:int32?', 7: 'failedJobsHistoryLimit:int32?', 8: 'timeZone:string?',
  },
  JobTemplateSpec: { ...OBJECT, 2: 'spec:JobSpec' },

  // k8s.io/api rbac/v1
  Role: { ...OBJECT, 2: 'rules:PolicyRule[]' },
  ClusterRole: { ...OBJECT, 2: 'rules:PolicyRule[]', 3: 'aggregationRule:AggregationRule' },
  AggregationRule: { 1: 'clusterRoleSelectors:LabelSelector[]' },
  PolicyRule: { 1: 'verbs:string[]', 2: 'apiGroups:string[]', 3: 'resources:string[]', 4: 'resourceNames:string[]', 5: 'nonResourceURLs:string[]' },
  // ClusterRoleBinding has the same fields.
  RoleBinding: { ...OBJECT, 2: 'subjects:Subject[]', 3: 'roleRef:RoleRef' },
  Subject: { 1: 'kind:string', 2: 'apiGroup:string', 3: 'name:string', 4: 'namespace:string' },
  RoleRef: { 1: 'apiGroup:string', 2: 'kind:string', 3: 'name:string' },

  // k8s.io/api policy/v1
  PodDisruptionBudget: { ...OBJECT, 2: 'spec:PodDisruptionBudgetSpec', 3: 'status:-' },
  PodDisruptionBudgetSpec: { 1: 'minAvailable:intOrString', 2: 'selector:LabelSelector', 3: 'maxUnavailable:intOrString', 4: 'unhealthyPodEvictionPolicy:string?' },

  // k8s.io/api autoscaling/v2 (kubectl autoscale)
  HorizontalPodAutoscaler: { ...OBJECT, 2: 'spec:HorizontalPodAutoscalerSpec', 3: 'status:-' },
  HorizontalPodAutoscalerSpec: { 1: 'scaleTargetRef:CrossVersionObjectReference', 2: 'minReplicas:int32?', 3: 'maxReplicas:int32?', 4: 'metrics:MetricSpec[]' },
  CrossVersionObjectReference: { 1: 'kind:string', 2: 'name:string', 3: 'apiVersion:string' },
  MetricSpec: { 1: 'type:string', 4: 'resource:ResourceMetricSource' },
  ResourceMetricSource: { 1: 'name:string', 2: 'target:MetricTarget' },
  MetricTarget: { 1: 'type:string', 2: 'value:quantity', 3: 'averageValue:quantity', 4: 'averageUtilization:int32?' },

  // k8s.io/api scheduling/v1 (value has no omitempty: 0 is kept)
  PriorityClass: { ...OBJECT, 2: 'value:int32?', 3: 'globalDefault:bool', 4: 'description:string', 5: 'preemptionPolicy:string?' },
};

/** The top-level message of each kind whose protobuf create bodies the simulator decodes. */
export const KIND_MESSAGES: Record<string, string> = {
  Namespace: 'Namespace',
  ConfigMap: 'ConfigMap',
  Secret: 'Secret',
  ServiceAccount: 'ServiceAccount',
  Pod: 'Pod',
  Deployment: 'Deployment',
  Job: 'Job',
  CronJob: 'CronJob',
  Role: 'Role',
  ClusterRole: 'ClusterRole',
  RoleBinding: 'RoleBinding',
  ClusterRoleBinding: 'RoleBinding',
  PodDisruptionBudget: 'PodDisruptionBudget',
  PriorityClass: 'PriorityClass',
  HorizontalPodAutoscaler: 'HorizontalPodAutoscaler',
};
