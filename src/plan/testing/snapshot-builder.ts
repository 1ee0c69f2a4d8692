/**
 * A small in-memory cluster builder for planner tests: workloads come with their ReplicaSet and
 * pods wired by owner references, so a test states only what it is about. Reuses the placement
 * builders for nodes and pods.
 */
import type { V1PodSpec } from '@kubernetes/client-node';
import type {
  DaemonSet,
  Deployment,
  HorizontalPodAutoscaler,
  KubeObject,
  Node,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  StatefulSet,
} from '../../model/k8s.js';
import type { MaintenanceSpec } from '../../model/spec.js';
import { emptySnapshot, type Snapshot } from '../../model/snapshot.js';
import { makeNode, makePod, makePvc, type NodeOptions, type PodOptions } from '../../placement/testing/builders.js';
import { compareObjects } from '../compare.js';

export interface WorkloadOptions {
  namespace?: string;
  /** spec.replicas; defaults to the number of pods. */
  replicas?: number;
  /** One running pod per entry, on that node. */
  nodes: string[];
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  /** Extra pod spec fields (nodeSelector, affinity, volumes, tolerations...), in template and pods. */
  podSpec?: Partial<V1PodSpec>;
  ready?: boolean;
  metadata?: Record<string, unknown>;
}

export interface DeploymentOptions extends WorkloadOptions {
  strategy?: Deployment['spec']['strategy'];
  paused?: boolean;
  availableReplicas?: number;
}

export interface StatefulSetOptions extends WorkloadOptions {
  updateStrategy?: StatefulSet['spec']['updateStrategy'];
}

/** A defaulted spec (what parseSpec would produce) with the given node names and overrides. */
export type SpecOverrides = Omit<Partial<MaintenanceSpec['spec']>, 'workloads'> & { workloads?: Partial<MaintenanceSpec['spec']['workloads']> };

/** A defaulted spec (what parseSpec would produce) with the given node names and overrides. */
export function makeSpec(names: string[], over: SpecOverrides = {}): MaintenanceSpec {
  const { workloads, ...rest } = over;
  return {
    apiVersion: 'sdrain.io/v1alpha1',
    kind: 'Maintenance',
    metadata: { name: 'test' },
    spec: {
      nodes: { names },
      order: 'listed',
      concurrency: 1,
      affinity: 'fail',
      timeouts: { workloadSeconds: 600, nodeSeconds: 1800 },
      ...rest,
      workloads: { deployment: 'surge', statefulSet: 'evict', unmanaged: 'fail', localStorage: 'fail', overrides: [], ...workloads },
    },
  };
}

export class SnapshotBuilder {
  private snap: Snapshot = emptySnapshot();

  node(name: string, opts: NodeOptions = {}): this {
    this.snap.nodes.push(makeNode(name, opts));
    return this;
  }

  /** A raw pod (unmanaged unless opts.owner is given). */
  pod(name: string, opts: PodOptions = {}): this {
    this.snap.pods.push(makePod(name, opts));
    return this;
  }

  rawPod(pod: Pod): this {
    this.snap.pods.push(pod);
    return this;
  }

  private pods(owner: { kind: string; name: string; uid: string }, prefix: string, o: WorkloadOptions, labels: Record<string, string>, ordinal: boolean): void {
    o.nodes.forEach((node, i) => {
      const pod = makePod(ordinal ? `${prefix}-${i}` : `${prefix}-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`, {
        namespace: o.namespace ?? 'default',
        node,
        labels,
        ...(o.cpu ? { cpu: o.cpu } : {}),
        ...(o.memory ? { memory: o.memory } : {}),
        ...(o.podAnnotations ? { annotations: o.podAnnotations } : {}),
        owner: { apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid },
        ...(o.ready === false ? { ready: false } : {}),
        ...(o.podSpec ? { spec: o.podSpec } : {}),
      });
      this.snap.pods.push(pod);
    });
  }

  private template(o: WorkloadOptions, labels: Record<string, string>): Deployment['spec']['template'] {
    const requests: Record<string, string> = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
    return {
      metadata: { labels },
      spec: {
        containers: [{ name: 'app', image: 'example/app:1', ...(Object.keys(requests).length ? { resources: { requests } } : {}) }],
        ...(o.podSpec ?? {}),
      },
    };
  }

  deployment(name: string, o: DeploymentOptions): this {
    const ns = o.namespace ?? 'default';
    const labels = o.labels ?? { app: name };
    const replicas = o.replicas ?? o.nodes.length;
    const dep: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, uid: `uid-deploy-${ns}-${name}`, ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.metadata ?? {}) },
      spec: { replicas, selector: { matchLabels: labels }, template: this.template(o, labels), ...(o.strategy ? { strategy: o.strategy } : {}), ...(o.paused ? { paused: true } : {}) },
      status: { replicas, readyReplicas: o.availableReplicas ?? replicas, availableReplicas: o.availableReplicas ?? replicas },
    };
    const rsName = `${name}-5d8f`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: `uid-rs-${ns}-${rsName}`,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dep.metadata.uid!, controller: true }],
      },
      spec: { replicas, selector: { matchLabels: labels }, template: this.template(o, labels) },
      status: { replicas },
    };
    this.snap.deployments.push(dep);
    this.snap.replicaSets.push(rs);
    this.pods({ kind: 'ReplicaSet', name: rsName, uid: rs.metadata.uid! }, rsName, o, labels, false);
    return this;
  }

  statefulSet(name: string, o: StatefulSetOptions): this {
    const ns = o.namespace ?? 'default';
    const labels = o.labels ?? { app: name };
    const replicas = o.replicas ?? o.nodes.length;
    const sts: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: ns, uid: `uid-sts-${ns}-${name}`, ...(o.metadata ?? {}) },
      spec: { replicas, selector: { matchLabels: labels }, serviceName: name, template: this.template(o, labels), ...(o.updateStrategy ? { updateStrategy: o.updateStrategy } : {}) },
      status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
    };
    this.snap.statefulSets.push(sts);
    this.pods({ kind: 'StatefulSet', name, uid: sts.metadata.uid! }, name, o, labels, true);
    return this;
  }

  daemonSet(name: string, o: WorkloadOptions): this {
    const ns = o.namespace ?? 'default';
    const labels = o.labels ?? { app: name };
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: ns, uid: `uid-ds-${ns}-${name}` },
      spec: { selector: { matchLabels: labels }, template: this.template(o, labels) },
      status: { currentNumberScheduled: o.nodes.length, desiredNumberScheduled: o.nodes.length, numberMisscheduled: 0, numberReady: o.nodes.length },
    };
    this.snap.daemonSets.push(ds);
    o.nodes.forEach((node, i) => {
      this.snap.pods.push(makePod(`${name}-${i}`, { namespace: ns, node, labels, owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: ds.metadata.uid! } }));
    });
    return this;
  }

  pdb(name: string, o: { namespace?: string; matchLabels: Record<string, string>; minAvailable?: number | string; maxUnavailable?: number | string; status?: PodDisruptionBudget['status'] }): this {
    const ns = o.namespace ?? 'default';
    const pdb: PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns, uid: `uid-pdb-${ns}-${name}` },
      spec: {
        selector: { matchLabels: o.matchLabels },
        ...(o.minAvailable !== undefined ? { minAvailable: o.minAvailable } : {}),
        ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
      },
      ...(o.status ? { status: o.status } : {}),
    };
    this.snap.pdbs.push(pdb);
    return this;
  }

  hpa(name: string, target: string, namespace = 'default'): this {
    const hpa: HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace, uid: `uid-hpa-${namespace}-${name}` },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 1, maxReplicas: 10 },
    };
    this.snap.hpas.push(hpa);
    return this;
  }

  pvc(name: string, accessModes: string[], namespace = 'default'): this {
    const pvc: PersistentVolumeClaim = makePvc(name, { namespace, accessModes });
    this.snap.pvcs.push(pvc);
    return this;
  }

  job(name: string, node: string, namespace = 'default'): this {
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, uid: `uid-job-${namespace}-${name}` }, spec: { template: { spec: { containers: [] } } } };
    this.snap.jobs.push(job as Snapshot['jobs'][number]);
    this.snap.pods.push(makePod(`${name}-x1`, { namespace, node, owner: { apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid! } }));
    return this;
  }

  /** Adds an object of a kind sdrain does not model (StorageClass, PriorityClass, ...). */
  object(o: KubeObject): this {
    this.snap.other.push(o);
    return this;
  }

  /** Adds a PersistentVolumeClaim as given. */
  rawPvc(pvc: PersistentVolumeClaim): this {
    this.snap.pvcs.push(pvc);
    return this;
  }

  /** Mutates one object in place before building (for odd cases). */
  edit<T extends KubeObject>(kind: keyof Snapshot, name: string, fn: (o: T) => void): this {
    const list = this.snap[kind] as unknown as KubeObject[];
    const o = list.find((x) => x.metadata.name === name);
    if (!o) throw new Error(`no ${String(kind)} named ${name}`);
    fn(o as T);
    return this;
  }

  nodes(): Node[] {
    return this.snap.nodes;
  }

  build(): Snapshot {
    const s = this.snap;
    const sorted = <T extends KubeObject>(l: T[]): T[] => [...l].sort(compareObjects);
    return {
      cluster: s.cluster,
      namespaces: sorted(s.namespaces),
      nodes: sorted(s.nodes),
      pods: sorted(s.pods),
      deployments: sorted(s.deployments),
      replicaSets: sorted(s.replicaSets),
      statefulSets: sorted(s.statefulSets),
      daemonSets: sorted(s.daemonSets),
      controllerRevisions: sorted(s.controllerRevisions),
      jobs: sorted(s.jobs),
      pdbs: sorted(s.pdbs),
      pvcs: sorted(s.pvcs),
      pvs: sorted(s.pvs),
      hpas: sorted(s.hpas),
      leases: sorted(s.leases),
      other: sorted(s.other),
    };
  }
}
