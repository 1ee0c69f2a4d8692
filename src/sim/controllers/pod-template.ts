/**
 * Pods built from a controller's template, as the workload controllers' GetPodFromTemplate does:
 * template labels, annotations and finalizers, a controller ownerReference, the template spec,
 * and the status the API server gives a new pod (Pending, with its QoS class).
 */
import type { KubeObject, Pod, PodTemplate } from '../../model/k8s.js';
import { toMilli } from '../../kube/quantity.js';

/** A controller ownerReference to `owner`, with blockOwnerDeletion like upstream sets it. */
export function controllerRef(owner: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The QoS class the API server computes (Guaranteed, Burstable, BestEffort), simplified to cpu/memory. */
export function qosClass(spec: Pod['spec']): string {
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q === undefined || toMilli(q) !== toMilli(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** A new pod for `owner` from `template`; `name` fixes the name, otherwise `<owner>-` is the generateName. */
export function podFromTemplate(owner: KubeObject, template: PodTemplate, opts: { name?: string; extraLabels?: Record<string, string> } = {}): Pod {
  const spec = structuredClone(template.spec);
  const metadata: Pod['metadata'] = {
    name: opts.name ?? '',
    namespace: owner.metadata.namespace,
    labels: { ...(template.metadata?.labels ?? {}), ...(opts.extraLabels ?? {}) },
    ownerReferences: [controllerRef(owner)],
  };
  if (!opts.name) metadata.generateName = `${owner.metadata.name}-`;
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec,
    status: { phase: 'Pending', qosClass: qosClass(spec) },
  };
}
