/**
 * Builds what a dump of a settled Deployment contains: the Deployment with status, its one
 * ReplicaSet (named with our template hash) and Running+Ready pods on the given nodes — for
 * tests that start from a cluster "loaded from a file" rather than one the controllers built.
 */
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../../../model/k8s.js';
import { computeTemplateHash } from '../template-hash.js';

const T0 = '2025-12-31T23:00:00Z';

/** A Deployment with its ReplicaSet and Running+Ready pods already placed, as loaded from a dump. */
export function running(d: Deployment, placement: string[]): KubeObject[] {
  const hash = computeTemplateHash(d.spec.template);
  d.metadata.uid = `uid-${d.metadata.name}`;
  d.metadata.generation = 1;
  d.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
  const n = placement.length;
  d.status = { observedGeneration: 1, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n };
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata!.labels, 'pod-template-hash': hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: 'default',
      uid: `uid-${d.metadata.name}-rs`,
      creationTimestamp: T0,
      labels: template.metadata.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(n) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true }],
    },
    spec: { replicas: n, selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
    status: { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 1 },
  };
  const pods: Pod[] = placement.map((nodeName, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-p${i}`,
      namespace: 'default',
      uid: `uid-${d.metadata.name}-pod-${i}`,
      creationTimestamp: T0,
      labels: template.metadata!.labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid!, controller: true }],
    },
    spec: { ...structuredClone(template.spec), nodeName },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'True', lastTransitionTime: T0 },
      ],
      containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: { running: { startedAt: T0 } } }],
    },
  }));
  return [d, rs, ...pods];
}

