/**
 * Who else writes a Deployment's spec.replicas. Surge raises replicas and scales back; an HPA
 * or a GitOps controller that owns the field would fight it (scale the surge away or back), so
 * the planner detects them and rolls instead.
 */
import type { Deployment, HorizontalPodAutoscaler } from '../model/k8s.js';
import type { ClusterIndex } from './cluster-index.js';
import { objectKey } from './compare.js';

/** Field managers of continuous reconcilers that re-apply spec.replicas from Git. */
const GITOPS_MANAGERS = /^(argocd-controller|argocd-application-controller|argo-cd|kustomize-controller|helm-controller|flux.*|gotk-.*)$/;

/** Labels and annotations Argo CD and Flux put on the objects they track. */
const GITOPS_MARKERS = [
  'argocd.argoproj.io/tracking-id',
  'argocd.argoproj.io/instance',
  'kustomize.toolkit.fluxcd.io/name',
  'helm.toolkit.fluxcd.io/name',
];

export type ReplicaOwner =
  | { kind: 'hpa'; hpa: HorizontalPodAutoscaler }
  | { kind: 'gitops'; evidence: string };

interface ManagedFieldsEntry {
  manager?: string;
  fieldsV1?: { 'f:spec'?: { 'f:replicas'?: unknown } };
}

/** The first reason another controller owns spec.replicas, or undefined. */
export function replicaOwner(deployment: Deployment, index: ClusterIndex): ReplicaOwner | undefined {
  const hpa = index.hpasByTarget.get(objectKey('Deployment', deployment.metadata.namespace, deployment.metadata.name))?.[0];
  if (hpa) return { kind: 'hpa', hpa };
  for (const entry of (deployment.metadata.managedFields ?? []) as ManagedFieldsEntry[]) {
    const manager = entry?.manager ?? '';
    if (GITOPS_MANAGERS.test(manager) && entry.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined) {
      return { kind: 'gitops', evidence: `field manager "${manager}" owns spec.replicas` };
    }
  }
  const marks = { ...deployment.metadata.labels, ...deployment.metadata.annotations };
  for (const key of GITOPS_MARKERS) {
    if (marks[key] !== undefined) return { kind: 'gitops', evidence: `it carries "${key}"` };
  }
  return undefined;
}
