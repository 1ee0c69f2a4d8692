/**
 * Builders for consistent cluster objects as `kubectl get -o json` prints them: owner chains
 * resolve by uid, pods are Running and Ready on their nodes, controller status matches the
 * pods, so both the planner (from a file) and the simulator (which keeps loaded Running pods as
 * they are and starts no rollout for a loaded Deployment) take them as a settled cluster.
 * Pure and deterministic: uids and IPs derive from names.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../src/model/k8s.js';

/** A fixed creation time so generated files are byte-identical run to run. */
export const CREATED = '2026-01-05T08:00:00Z';

/** A stable uid (RFC 4122 shape) derived from the object's identity. */
export function uidOf(kind: string, namespace: string | undefined, name: string): string {
  const h = createHash('sha1').update(`${kind}/${namespace ?? ''}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 10-character lowercase hash suffix, like a pod-template-hash. */
export function shortHash(text: string, length = 10): string {
  const h = createHash('sha1').update(text).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[h[i]! % alphabet.length];
  return out;
}

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: uidOf('Namespace', undefined, name), creationTimestamp: CREATED, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  } as KubeObject;
}

export interface NodeSpec {
  name: string;
  zone: string;
  cpu: string;
  memory: string;
  pods?: number;
  index: number;
  taints?: { key: string; value?: string; effect: string }[];
  labels?: Record<string, string>;
}

export function nodeObject(n: NodeSpec): KubeObject {
  const ip = `10.${(n.index >> 8) & 255}.${n.index & 255}.10`;
  const alloc = { cpu: n.cpu, memory: n.memory, pods: String(n.pods ?? 110), 'ephemeral-storage': '95551679124' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      uid: uidOf('Node', undefined, n.name),
      creationTimestamp: CREATED,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm5.4xlarge',
        'topology.kubernetes.io/region': 'eu-west-1',
        'topology.kubernetes.io/zone': n.zone,
        ...n.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.${100 + ((n.index >> 8) & 127)}.${n.index & 255}.0/24`, providerID: `aws:///${n.zone}/i-${shortHash(n.name, 17)}`, ...(n.taints ? { taints: n.taints } : {}) },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: n.name },
      ],
      allocatable: alloc,
      capacity: alloc,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: CREATED, lastTransitionTime: CREATED },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: CREATED, lastTransitionTime: CREATED },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: CREATED, lastTransitionTime: CREATED },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: CREATED, lastTransitionTime: CREATED },
      ],
      nodeInfo: { architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.22', kernelVersion: '6.1.0', kubeProxyVersion: 'v1.35.0', kubeletVersion: 'v1.35.0', operatingSystem: 'linux', osImage: 'Ubuntu 24.04 LTS' },
    },
  } as KubeObject;
}

/** What a workload's pod template asks for. */
export interface TemplateSpec {
  app: string;
  image?: string;
  cpu: string;
  memory: string;
  /** sim.sdrain.io/startup-ms on the template (the simulator's start-up time for new pods). */
  startupMs?: number;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  topologySpreadConstraints?: Record<string, unknown>[];
  tolerations?: Record<string, unknown>[];
  terminationGracePeriodSeconds?: number;
}

function template(t: TemplateSpec, extraLabels: Record<string, string> = {}): Record<string, unknown> {
  return {
    metadata: {
      labels: { app: t.app, ...extraLabels },
      ...(t.startupMs !== undefined ? { annotations: { 'sim.sdrain.io/startup-ms': String(t.startupMs) } } : {}),
    },
    spec: {
      containers: [
        {
          name: t.app,
          image: t.image ?? `registry.example.com/${t.app}:1.4.2`,
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          resources: { requests: { cpu: t.cpu, memory: t.memory }, limits: { memory: t.memory } },
          readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: t.terminationGracePeriodSeconds ?? 30,
      ...(t.nodeSelector ? { nodeSelector: t.nodeSelector } : {}),
      ...(t.affinity ? { affinity: t.affinity } : {}),
      ...(t.topologySpreadConstraints ? { topologySpreadConstraints: t.topologySpreadConstraints } : {}),
      ...(t.tolerations ? { tolerations: t.tolerations } : {}),
    },
  };
}

interface PodPlacement {
  name: string;
  node: string;
  nodeIndex: number;
  podIndex: number;
}

function runningPod(ns: string, p: PodPlacement, tmpl: Record<string, unknown>, labels: Record<string, string>, owner: { apiVersion: string; kind: string; name: string; uid: string }, extraSpec: Record<string, unknown> = {}): KubeObject {
  const t = tmpl as { metadata: { annotations?: Record<string, string> }; spec: { containers: { name: string; image: string }[] } & Record<string, unknown> };
  const podIP = `10.${100 + ((p.nodeIndex >> 8) & 127)}.${p.nodeIndex & 255}.${2 + (p.podIndex % 250)}`;
  const hostIP = `10.${(p.nodeIndex >> 8) & 255}.${p.nodeIndex & 255}.10`;
  const uid = uidOf('Pod', ns, p.name);
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: CREATED });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: ns,
      uid,
      creationTimestamp: CREATED,
      labels,
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...t.spec,
      ...extraSpec,
      nodeName: p.node,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      tolerations: [
        ...(((t.spec.tolerations as unknown[]) ?? []) as Record<string, unknown>[]),
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
            ],
          },
        },
      ],
    },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: CREATED,
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
      containerStatuses: t.spec.containers.map((c, i) => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image}@sha256:${shortHash(c.image, 10)}`,
        containerID: `containerd://${createHash('sha1').update(`${uid}/${i}`).digest('hex')}`,
        ready: true,
        started: true,
        restartCount: 0,
        lastState: {},
        state: { running: { startedAt: CREATED } },
      })),
    },
  } as KubeObject;
}

export interface DeploymentSpec extends TemplateSpec {
  namespace: string;
  name: string;
  /** Node (name and index) of each replica, in order. */
  placement: { node: string; nodeIndex: number }[];
  strategy?: { maxSurge?: number | string; maxUnavailable?: number | string } | 'Recreate';
}

/** A Deployment, its one ReplicaSet and its Running, Ready pods on the given nodes. */
export function deploymentObjects(d: DeploymentSpec): KubeObject[] {
  const replicas = d.placement.length;
  const tmpl = template(d);
  const hash = shortHash(`${d.namespace}/${d.name}/template`);
  const depUid = uidOf('Deployment', d.namespace, d.name);
  const rsName = `${d.name}-${hash}`;
  const rsUid = uidOf('ReplicaSet', d.namespace, rsName);
  const status = { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas };
  const strategy =
    d.strategy === 'Recreate'
      ? { type: 'Recreate' }
      : { type: 'RollingUpdate', rollingUpdate: { maxSurge: d.strategy?.maxSurge ?? '25%', maxUnavailable: d.strategy?.maxUnavailable ?? '25%' } };
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, namespace: d.namespace, uid: depUid, generation: 1, creationTimestamp: CREATED, labels: { app: d.app }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: { app: d.app } }, template: tmpl, strategy, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: {
      ...status,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: CREATED, lastUpdateTime: CREATED },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.`, lastTransitionTime: CREATED, lastUpdateTime: CREATED },
      ],
    },
  } as KubeObject;
  const rsTemplate = template(d, { 'pod-template-hash': hash });
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: d.namespace,
      uid: rsUid,
      generation: 1,
      creationTimestamp: CREATED,
      labels: { app: d.app, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: depUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, selector: { matchLabels: { app: d.app, 'pod-template-hash': hash } }, template: rsTemplate },
    status: { observedGeneration: 1, replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
  } as KubeObject;
  const pods = d.placement.map((p, i) =>
    runningPod(d.namespace, { name: `${rsName}-${shortHash(`${rsName}/${i}`, 5)}`, node: p.node, nodeIndex: p.nodeIndex, podIndex: i }, rsTemplate, { app: d.app, 'pod-template-hash': hash }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid }),
  );
  return [dep, rs, ...pods];
}

export interface StatefulSetSpec extends TemplateSpec {
  namespace: string;
  name: string;
  placement: { node: string; nodeIndex: number }[];
}

/** A StatefulSet (OrderedReady, RollingUpdate), its ControllerRevision and Ready pods. */
export function statefulSetObjects(s: StatefulSetSpec): KubeObject[] {
  const replicas = s.placement.length;
  const tmpl = template(s);
  const revision = `${s.name}-${shortHash(`${s.namespace}/${s.name}/rev`)}`;
  const uid = uidOf('StatefulSet', s.namespace, s.name);
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: s.name, namespace: s.namespace, uid, generation: 1, creationTimestamp: CREATED, labels: { app: s.app } },
    spec: { replicas, serviceName: s.name, selector: { matchLabels: { app: s.app } }, template: tmpl, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10 },
    status: { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, currentRevision: revision, updateRevision: revision, collisionCount: 0 },
  } as KubeObject;
  const cr = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: revision, namespace: s.namespace, uid: uidOf('ControllerRevision', s.namespace, revision), creationTimestamp: CREATED, labels: { app: s.app, 'controller.kubernetes.io/hash': revision.slice(s.name.length + 1) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: s.name, uid, controller: true, blockOwnerDeletion: true }] },
    data: { spec: { template: { ...tmpl, $patch: 'replace' } } },
    revision: 1,
  } as unknown as KubeObject;
  const pods = s.placement.map((p, i) => {
    const name = `${s.name}-${i}`;
    const labels = { app: s.app, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name };
    return runningPod(s.namespace, { name, node: p.node, nodeIndex: p.nodeIndex, podIndex: 200 + i }, tmpl, labels, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: s.name, uid }, { hostname: name, subdomain: s.name });
  });
  return [sts, cr, ...pods];
}

/** A DaemonSet with one Ready pod on each given node. */
export function daemonSetObjects(d: TemplateSpec & { namespace: string; name: string; nodes: { node: string; nodeIndex: number }[] }): KubeObject[] {
  const tmpl = template({ ...d, tolerations: [{ operator: 'Exists' }] });
  const revision = shortHash(`${d.namespace}/${d.name}/rev`);
  const uid = uidOf('DaemonSet', d.namespace, d.name);
  const n = d.nodes.length;
  const ds = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: d.name, namespace: d.namespace, uid, generation: 1, creationTimestamp: CREATED, labels: { app: d.app } },
    spec: { selector: { matchLabels: { app: d.app } }, template: tmpl, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, revisionHistoryLimit: 10 },
    status: { observedGeneration: 1, currentNumberScheduled: n, desiredNumberScheduled: n, numberAvailable: n, numberMisscheduled: 0, numberReady: n, updatedNumberScheduled: n },
  } as KubeObject;
  const pods = d.nodes.map((p, i) => {
    const name = `${d.name}-${shortHash(`${d.name}/${p.node}`, 5)}`;
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.node] }] }] } } };
    return runningPod(d.namespace, { name, node: p.node, nodeIndex: p.nodeIndex, podIndex: 240 + (i % 10) }, tmpl, { app: d.app, 'controller-revision-hash': revision, 'pod-template-generation': '1' }, { apiVersion: 'apps/v1', kind: 'DaemonSet', name: d.name, uid }, { affinity });
  });
  return [ds, ...pods];
}

/** A PodDisruptionBudget with its status as the disruption controller would compute it. */
export function pdbObject(p: { namespace: string; name: string; app: string; replicas: number; minAvailable?: number | string; maxUnavailable?: number | string }): KubeObject {
  const desired =
    p.maxUnavailable !== undefined
      ? p.replicas - (typeof p.maxUnavailable === 'number' ? p.maxUnavailable : Math.ceil((parseInt(p.maxUnavailable, 10) * p.replicas) / 100))
      : typeof p.minAvailable === 'number'
        ? p.minAvailable
        : Math.ceil((parseInt(p.minAvailable ?? '0', 10) * p.replicas) / 100);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: p.name, namespace: p.namespace, uid: uidOf('PodDisruptionBudget', p.namespace, p.name), generation: 1, creationTimestamp: CREATED },
    spec: { selector: { matchLabels: { app: p.app } }, ...(p.maxUnavailable !== undefined ? { maxUnavailable: p.maxUnavailable } : { minAvailable: p.minAvailable }) },
    status: {
      observedGeneration: 1,
      currentHealthy: p.replicas,
      desiredHealthy: desired,
      expectedPods: p.replicas,
      disruptionsAllowed: Math.max(0, p.replicas - desired),
      conditions: [{ type: 'DisruptionAllowed', status: p.replicas - desired > 0 ? 'True' : 'False', reason: p.replicas - desired > 0 ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: CREATED }],
    },
  } as KubeObject;
}

/** The objects as a `kubectl get -A -o json` List. */
export function listJson(objects: KubeObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects })}\n`;
}
