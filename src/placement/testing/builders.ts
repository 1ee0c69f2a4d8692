/**
 * Small builders for tests: plain Node/Pod/PVC/PV objects with just the fields placement reads.
 * Every option maps to one Kubernetes field; `spec`/`extra` let a test set anything else.
 */
import type { V1PodSpec, V1Taint } from '@kubernetes/client-node';
import type { Namespace, Node, OwnerReference, PersistentVolume, PersistentVolumeClaim, Pod } from '../../model/k8s.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  /** Extra allocatable resources (e.g. `{ 'nvidia.com/gpu': '2' }`). */
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  /** Shorthand for the topology.kubernetes.io/zone label. */
  zone?: string;
  taints?: V1Taint[];
  unschedulable?: boolean;
  ready?: boolean;
}

/** A Ready node with 4 cpu, 8Gi memory and 110 pods unless told otherwise; labelled with its hostname. */
export function makeNode(name: string, opts: NodeOptions = {}): Node {
  const allocatable: Record<string, string> = {
    cpu: opts.cpu ?? '4',
    memory: opts.memory ?? '8Gi',
    pods: opts.pods ?? '110',
    ...(opts.ephemeralStorage ? { 'ephemeral-storage': opts.ephemeralStorage } : {}),
    ...(opts.extended ?? {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-node-${name}`,
      labels: {
        'kubernetes.io/hostname': name,
        ...(opts.zone ? { 'topology.kubernetes.io/zone': opts.zone } : {}),
        ...(opts.labels ?? {}),
      },
    },
    spec: {
      ...(opts.unschedulable ? { unschedulable: true } : {}),
      ...(opts.taints ? { taints: opts.taints } : {}),
    },
    status: {
      capacity: { ...allocatable },
      allocatable,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

export interface PodOptions {
  namespace?: string;
  /** spec.nodeName: the pod is placed there. */
  node?: string;
  cpu?: string;
  memory?: string;
  /** Extra requests of the single container (e.g. `{ 'nvidia.com/gpu': '1' }`). */
  requests?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: Partial<OwnerReference> & { kind: string; name: string };
  phase?: string;
  ready?: boolean;
  /** Ready condition lastTransitionTime. */
  readySince?: string;
  deletionTimestamp?: string;
  /** Claim names mounted as persistentVolumeClaim volumes. */
  claims?: string[];
  /** Merged into spec last. */
  spec?: Partial<V1PodSpec>;
}

/** A Running pod with one container "app" requesting what is given (nothing by default). */
export function makePod(name: string, opts: PodOptions = {}): Pod {
  const requests: Record<string, string> = {
    ...(opts.cpu ? { cpu: opts.cpu } : {}),
    ...(opts.memory ? { memory: opts.memory } : {}),
    ...(opts.requests ?? {}),
  };
  const owner = opts.owner
    ? [{ apiVersion: 'apps/v1', uid: `uid-${opts.owner.kind}-${opts.owner.name}`, controller: true, ...opts.owner }]
    : undefined;
  const ready = opts.ready ?? opts.phase === undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      uid: `uid-pod-${opts.namespace ?? 'default'}-${name}`,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
      ...(owner ? { ownerReferences: owner as OwnerReference[] } : {}),
      ...(opts.deletionTimestamp ? { deletionTimestamp: opts.deletionTimestamp } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'example/app:1', ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}) }],
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...(opts.claims ? { volumes: opts.claims.map((c, i) => ({ name: `data-${i}`, persistentVolumeClaim: { claimName: c } })) } : {}),
      ...(opts.spec ?? {}),
    },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', ...(opts.readySince ? { lastTransitionTime: opts.readySince } : {}) }],
    },
  };
}

export function makeNamespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export interface PvcOptions {
  namespace?: string;
  accessModes?: string[];
  /** spec.volumeName: bound to this PV. */
  volumeName?: string;
  storageClassName?: string;
  deletionTimestamp?: string;
}

export function makePvc(name: string, opts: PvcOptions = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      ...(opts.deletionTimestamp ? { deletionTimestamp: opts.deletionTimestamp } : {}),
    },
    spec: {
      accessModes: opts.accessModes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(opts.volumeName ? { volumeName: opts.volumeName } : {}),
      ...(opts.storageClassName ? { storageClassName: opts.storageClassName } : {}),
    },
    status: { phase: opts.volumeName ? 'Bound' : 'Pending' },
  };
}

export interface PvOptions {
  labels?: Record<string, string>;
  /** Required node affinity: node label key → allowed values. */
  nodeAffinity?: Record<string, string[]>;
  accessModes?: string[];
}

export function makePv(name: string, opts: PvOptions = {}): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      accessModes: opts.accessModes ?? ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      ...(opts.nodeAffinity
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: Object.entries(opts.nodeAffinity).map(([key, values]) => ({ key, operator: 'In', values })) },
                ],
              },
            },
          }
        : {}),
    },
    status: { phase: 'Bound' },
  };
}
